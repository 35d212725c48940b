using Portal.Core.Tickets;

namespace Portal.Core.Sla;

public enum SlaState : byte
{
    Running,
    Warning,
    Paused,
    Breached,
    Met,
    Missed,
    Idle,
}

/// <summary>One metric's result. Instants are Unix ticks (UTC) or <see cref="SlaPolicy.None"/>; durations are ticks.</summary>
public readonly record struct MetricOutcome(
    bool Reported,
    SlaState State,
    long Target,
    long Elapsed,
    long Remaining,
    long DueAt,
    long StoppedAt,
    long BreachedAt,
    int WarningIndex)
{
    public bool HasDue => DueAt != SlaPolicy.None;
    public bool IsStopped => State is SlaState.Met or SlaState.Missed;
}

/// <summary>A ticket's SLA as of one instant, and the next instant at which it will change by itself.</summary>
public readonly record struct SlaOutcome(int Priority, TicketStatus Status, MetricOutcome FirstResponse, MetricOutcome NextResponse,
    MetricOutcome Resolution, long NextChangeAt)
{
    /// <summary>How many next-response cycles have started (the current or last one is this number).</summary>
    public int NextResponseCycles { get; init; }

    public MetricOutcome this[SlaMetric metric] => metric switch
    {
        SlaMetric.FirstResponse => FirstResponse,
        SlaMetric.NextResponse => NextResponse,
        _ => Resolution,
    };
}

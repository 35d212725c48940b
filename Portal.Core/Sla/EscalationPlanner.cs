using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Sla;

/// <summary>A path compiled for planning: its scope and its levels in order.</summary>
public sealed record CompiledPath(int Id, string Name, int? DepartmentId, int? SlaPolicyId, IReadOnlyList<CompiledLevel> Levels)
{
    public bool AppliesTo(int departmentId, int? policyId) =>
        (DepartmentId is null || DepartmentId == departmentId) && (SlaPolicyId is null || SlaPolicyId == policyId);
}

public sealed record CompiledLevel(int Id, int Level, SlaMetric Metric, EscalationTrigger Trigger, decimal? Fraction, int? OffsetMinutes,
    EscalationActions Actions)
{
    public string Describe() => Trigger switch
    {
        EscalationTrigger.Fraction => $"{SlaMetrics.Display(Metric)} reached {Fraction * 100:0.#} %",
        EscalationTrigger.BeforeDue => $"{SlaMetrics.Display(Metric)} due in {Span(OffsetMinutes ?? 0)}",
        EscalationTrigger.AtBreach => $"{SlaMetrics.Display(Metric)} breached",
        _ => $"{SlaMetrics.Display(Metric)} breached {Span(OffsetMinutes ?? 0)} ago",
    };

    private static string Span(int minutes) => minutes switch
    {
        < 60 => $"{minutes} min",
        _ when minutes % 1440 == 0 => $"{minutes / 1440} day{(minutes == 1440 ? "" : "s")}",
        _ when minutes % 60 == 0 => $"{minutes / 60} h",
        _ => $"{minutes / 60} h {minutes % 60} min",
    };
}

/// <summary>One level of one path, for one ticket: when it is due, and in which cycle of its target.</summary>
public sealed record PlannedLevel(CompiledPath Path, CompiledLevel Level, int Cycle, long DueAt, bool Strict)
{
    /// <summary>Whether it is due at <paramref name="now"/> (a breach is due only after the due instant itself).</summary>
    public bool IsDue(long now) => Strict ? now > DueAt : now >= DueAt;

    /// <summary>The first instant at which it is due, for the indexed next-escalation column.</summary>
    public long FireFrom => Strict ? DueAt + TimeSpan.TicksPerSecond : DueAt;
}

/// <summary>
/// Pure: from a ticket's SLA outcome, which escalation levels have a trigger instant and when. A level of a
/// stopped or idle target, or of a resolved or closed ticket, has none; a paused target's time-based levels wait.
/// </summary>
public static class EscalationPlanner
{
    public static List<PlannedLevel> Plan(IReadOnlyList<CompiledPath> paths, SlaOutcome outcome, ReadOnlySpan<SlaEvent> events,
        SlaPolicy policy, WorkingTimeline calendar, long at, IReadOnlySet<(int LevelId, int Cycle)> fired)
    {
        var planned = new List<PlannedLevel>();
        if (outcome.Status is TicketStatus.Resolved or TicketStatus.Closed)
            return planned;
        Dictionary<decimal, SlaOutcome>? scaled = null;
        foreach (var path in paths)
        {
            foreach (var level in path.Levels)
            {
                var m = outcome[level.Metric];
                var cycle = level.Metric == SlaMetric.NextResponse ? outcome.NextResponseCycles : 0;
                if (!m.Reported || m.IsStopped || m.State == SlaState.Idle || fired.Contains((level.Id, cycle)))
                    continue;
                long? due = level.Trigger switch
                {
                    EscalationTrigger.Fraction => FractionReached(level, events, policy, calendar, at, ref scaled),
                    EscalationTrigger.BeforeDue when m.HasDue => m.DueAt - (TimeSpan.TicksPerMinute * (level.OffsetMinutes ?? 0)),
                    EscalationTrigger.AtBreach when m.HasDue => m.DueAt,
                    EscalationTrigger.AfterBreach when m.HasDue => m.DueAt + (TimeSpan.TicksPerMinute * (level.OffsetMinutes ?? 0)),
                    _ => null,
                };
                if (due is { } d)
                    planned.Add(new PlannedLevel(path, level, cycle, d, level.Trigger is EscalationTrigger.AtBreach or EscalationTrigger.AfterBreach));
            }
        }

        return planned.OrderBy(p => p.DueAt).ThenBy(p => p.Level.Level).ToList();
    }

    /// <summary>The instant counted time reached the fraction: the due (or breach) instant of the same timeline with scaled targets.</summary>
    private static long? FractionReached(CompiledLevel level, ReadOnlySpan<SlaEvent> events, SlaPolicy policy, WorkingTimeline calendar,
        long at, ref Dictionary<decimal, SlaOutcome>? scaled)
    {
        var fraction = level.Fraction ?? 1m;
        scaled ??= [];
        if (!scaled.TryGetValue(fraction, out var outcome))
        {
            outcome = SlaEngine.Evaluate(events, policy.Scaled(fraction), calendar, at);
            scaled[fraction] = outcome;
        }

        var m = outcome[level.Metric];
        return m.BreachedAt != SlaPolicy.None ? m.BreachedAt : m.HasDue ? m.DueAt : null;
    }
}

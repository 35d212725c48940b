using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>
/// What the measures read of one ticket: when it was created, first answered and resolved (calendar instants and the
/// business time its SLA counted), how its targets ended, how often it was reopened, and who and what it belongs to.
/// </summary>
public sealed record TicketFact(
    int TicketId,
    int DepartmentId,
    int? TeamId,
    string? AssigneeId,
    int CategoryId,
    int TypeId,
    TicketPriority Priority,
    DateTime CreatedAt,
    DateTime? FirstResponseAt,
    long? FirstResponseBusinessSeconds,
    SlaState? FirstResponseState,
    DateTime? FirstResponseBreachedAt,
    DateTime? ResolvedAt,
    long? ResolutionBusinessSeconds,
    SlaState? ResolutionState,
    DateTime? ResolutionBreachedAt,
    int Reopens,
    int EscalationLevel = 0,
    TicketStatus Status = TicketStatus.Open,
    DateTime? DueAt = null);

/// <summary>One escalation level that fired for a ticket.</summary>
public sealed record FiringFact(int TicketId, int Level, DateTime FiredAt);

/// <summary>A duration measure: how many tickets it covers, their median and 90th percentile (nearest rank), or null when none.</summary>
public sealed record DurationStats(int Count, TimeSpan? Median, TimeSpan? P90);

/// <summary>Met / (met + missed) for one target; null when no target ended in the period.</summary>
public sealed record Compliance(int Met, int Missed)
{
    public double? Rate => Met + Missed == 0 ? null : (double)Met / (Met + Missed);
}

/// <summary>
/// The measures, each defined once (docs/measures.md says what counts and what is left out). Every measure takes the
/// period [from, to) and counts a ticket by the instant of the thing it measures: created by its creation, response and
/// resolution times by the instant of the response or resolution, compliance by the instant its target ended,
/// breaches by the breach instant, the backlog at the period's end.
/// </summary>
public static class Measures
{
    public static int Created(IEnumerable<TicketFact> facts, DateTime from, DateTime to) => facts.Count(f => In(f.CreatedAt, from, to));

    public static int Resolved(IEnumerable<TicketFact> facts, DateTime from, DateTime to) => facts.Count(f => In(f.ResolvedAt, from, to));

    /// <summary>First answer to the requester after creation, for tickets first answered in the period.</summary>
    public static DurationStats FirstResponseTime(IEnumerable<TicketFact> facts, DateTime from, DateTime to, bool business) =>
        Stats(facts.Where(f => In(f.FirstResponseAt, from, to) && (!business || f.FirstResponseBusinessSeconds is not null))
            .Select(f => business ? Seconds(f.FirstResponseBusinessSeconds) : f.FirstResponseAt!.Value - f.CreatedAt));

    /// <summary>From creation to (the last) resolution, for tickets resolved in the period.</summary>
    public static DurationStats ResolutionTime(IEnumerable<TicketFact> facts, DateTime from, DateTime to, bool business) =>
        Stats(facts.Where(f => In(f.ResolvedAt, from, to) && (!business || f.ResolutionBusinessSeconds is not null))
            .Select(f => business ? Seconds(f.ResolutionBusinessSeconds) : f.ResolvedAt!.Value - f.CreatedAt));

    /// <summary>Targets that ended (met or missed) in the period; running, paused and breached-but-open targets are not counted.</summary>
    public static Compliance FirstResponseCompliance(IEnumerable<TicketFact> facts, DateTime from, DateTime to) =>
        Comply(facts.Where(f => In(f.FirstResponseAt, from, to)).Select(f => f.FirstResponseState));

    public static Compliance ResolutionCompliance(IEnumerable<TicketFact> facts, DateTime from, DateTime to) =>
        Comply(facts.Where(f => In(f.ResolvedAt, from, to)).Select(f => f.ResolutionState));

    /// <summary>Targets whose due instant passed in the period unmet, whatever happened after (a ticket can breach both).</summary>
    public static int Breaches(IEnumerable<TicketFact> facts, DateTime from, DateTime to) =>
        facts.Sum(f => (In(f.FirstResponseBreachedAt, from, to) ? 1 : 0) + (In(f.ResolutionBreachedAt, from, to) ? 1 : 0));

    /// <summary>Tickets open at <paramref name="at"/>: created before it and not resolved by then.</summary>
    public static IReadOnlyList<TicketFact> Backlog(IEnumerable<TicketFact> facts, DateTime at) =>
        facts.Where(f => f.CreatedAt < at && (f.ResolvedAt is null || f.ResolvedAt >= at)).ToList();

    /// <summary>How long the backlog's tickets have been open at <paramref name="at"/>.</summary>
    public static DurationStats BacklogAge(IEnumerable<TicketFact> facts, DateTime at) => Stats(Backlog(facts, at).Select(f => at - f.CreatedAt));

    /// <summary>Of the tickets resolved in the period, the share that had been reopened at least once.</summary>
    public static double? ReopenRate(IEnumerable<TicketFact> facts, DateTime from, DateTime to)
    {
        var resolved = facts.Where(f => In(f.ResolvedAt, from, to)).ToList();
        return resolved.Count == 0 ? null : (double)resolved.Count(f => f.Reopens > 0) / resolved.Count;
    }

    /// <summary>Nearest-rank percentile: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    public static TimeSpan? Percentile(IReadOnlyList<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static DurationStats Stats(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToList();
        return new DurationStats(sorted.Count, Percentile(sorted, 0.5), Percentile(sorted, 0.9));
    }

    private static Compliance Comply(IEnumerable<SlaState?> states)
    {
        int met = 0, missed = 0;
        foreach (var s in states)
        {
            met += s == SlaState.Met ? 1 : 0;
            missed += s == SlaState.Missed ? 1 : 0;
        }

        return new Compliance(met, missed);
    }

    private static TimeSpan Seconds(long? seconds) => TimeSpan.FromSeconds(seconds!.Value);

    /// <summary>Escalations that fired in the period (each level counts once per ticket and cycle).</summary>
    public static int Escalations(IEnumerable<FiringFact> firings, DateTime from, DateTime to) => firings.Count(f => In(f.FiredAt, from, to));

    /// <summary>An agent's or team's workload: the backlog's tickets at the period's end that someone is assigned.</summary>
    public static IReadOnlyList<TicketFact> Workload(IEnumerable<TicketFact> facts, DateTime at) => Backlog(facts, at).Where(f => f.AssigneeId is not null).ToList();

    internal static bool In(DateTime? at, DateTime from, DateTime to) => at is { } a && a >= from && a < to;
}

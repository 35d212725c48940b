using System.Globalization;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>Every figure a dashboard or report can show; each is defined once, in <see cref="Reports.Compute"/> over <see cref="Measures"/>.</summary>
public enum Measure
{
    Created,
    Resolved,
    FirstResponseMedian,
    FirstResponseP90,
    ResolutionMedian,
    ResolutionP90,
    FirstResponseCompliance,
    ResolutionCompliance,
    Breaches,
    Backlog,
    BacklogAgeMedian,
    ReopenRate,
    Escalations,
    Workload,
    ComplaintsReceived,
    ComplaintsOpen,
}

public enum MeasureUnit
{
    Count,
    Duration,
    Rate,
}

/// <summary>A measure's name for people, its unit and one line on what it counts (docs/measures.md has the full rules).</summary>
public sealed record MeasureInfo(Measure Measure, string Title, MeasureUnit Unit, string Explanation);

/// <summary>What a figure is read from: the facts of the tickets that can count in the period, its escalations, and which type is a complaint.</summary>
public sealed record ReportData(IReadOnlyList<TicketFact> Facts, IReadOnlyList<FiringFact> Firings, int? ComplaintTypeId, DateTime From, DateTime To);

/// <summary>Narrows the tickets a figure counts; null parts do not narrow.</summary>
public sealed record ReportFilter(int? TeamId = null, string? AssigneeId = null, int? CategoryId = null, TicketPriority? Priority = null, int? TypeId = null)
{
    public static readonly ReportFilter None = new();

    public bool Keeps(TicketFact f) =>
        (TeamId is null || f.TeamId == TeamId) && (AssigneeId is null || f.AssigneeId == AssigneeId) && (CategoryId is null || f.CategoryId == CategoryId)
        && (Priority is null || f.Priority == Priority) && (TypeId is null || f.TypeId == TypeId);
}

/// <summary>A figure's value: a count, seconds or a rate in [0, 1]; null when there is nothing to measure (no ticket answered, no target ended).</summary>
public sealed record MeasureValue(double? Value, int Tickets);

/// <summary>A table of one measure: a row per group of the dimension (or one row, "All"), a column per trend bucket (or one, the whole period).</summary>
public sealed record ReportTable(Measure Measure, bool Business, Dimension? By, IReadOnlyList<Bucket> Columns, IReadOnlyList<ReportRow> Rows, ReportRow Total);

public sealed record ReportRow(string Key, IReadOnlyList<MeasureValue> Cells);

public static class Reports
{
    public static readonly IReadOnlyList<MeasureInfo> All =
    [
        new(Measure.Created, "Created", MeasureUnit.Count, "Tickets created in the period."),
        new(Measure.Resolved, "Resolved", MeasureUnit.Count, "Tickets whose latest resolution falls in the period."),
        new(Measure.FirstResponseMedian, "First response, median", MeasureUnit.Duration, "Time from creation to the first answer, for tickets first answered in the period."),
        new(Measure.FirstResponseP90, "First response, 90th percentile", MeasureUnit.Duration, "Nine in ten first answers came within this time."),
        new(Measure.ResolutionMedian, "Resolution, median", MeasureUnit.Duration, "Time from creation to resolution, for tickets resolved in the period."),
        new(Measure.ResolutionP90, "Resolution, 90th percentile", MeasureUnit.Duration, "Nine in ten resolutions came within this time."),
        new(Measure.FirstResponseCompliance, "First response SLA met", MeasureUnit.Rate, "Met / (met + missed) of the first response targets that ended in the period."),
        new(Measure.ResolutionCompliance, "Resolution SLA met", MeasureUnit.Rate, "Met / (met + missed) of the resolution targets that ended in the period."),
        new(Measure.Breaches, "Breaches", MeasureUnit.Count, "Targets whose due instant passed unmet in the period."),
        new(Measure.Backlog, "Backlog", MeasureUnit.Count, "Tickets open at the period's end."),
        new(Measure.BacklogAgeMedian, "Backlog age, median", MeasureUnit.Duration, "How long the backlog's tickets have been open at the period's end."),
        new(Measure.ReopenRate, "Reopen rate", MeasureUnit.Rate, "Share of the tickets resolved in the period that had been reopened."),
        new(Measure.Escalations, "Escalations", MeasureUnit.Count, "Escalation levels that fired in the period (break down by level)."),
        new(Measure.Workload, "Workload", MeasureUnit.Count, "Open tickets someone is assigned at the period's end (break down by agent or team)."),
        new(Measure.ComplaintsReceived, "Complaints received", MeasureUnit.Count, "Complaints logged in the period."),
        new(Measure.ComplaintsOpen, "Complaints open", MeasureUnit.Count, "Complaints not resolved at the period's end."),
    ];

    public static MeasureInfo Info(Measure m) => All[(int)m];

    /// <summary>Measures of the state at the period's end (the backlog, workload, open complaints) rather than of what happened in it.</summary>
    public static bool IsStateAtEnd(Measure m) => m is Measure.Backlog or Measure.BacklogAgeMedian or Measure.Workload or Measure.ComplaintsOpen;

    /// <summary>The tickets a measure is computed over in [from, to): what a drill-down lists behind its number.</summary>
    public static IReadOnlyList<TicketFact> Behind(Measure m, ReportData data, IReadOnlyList<TicketFact> facts, DateTime from, DateTime to, bool business)
    {
        return m switch
        {
            Measure.Created => facts.Where(f => Measures.In(f.CreatedAt, from, to)).ToList(),
            Measure.Resolved or Measure.ReopenRate => facts.Where(f => Measures.In(f.ResolvedAt, from, to)).ToList(),
            Measure.FirstResponseMedian or Measure.FirstResponseP90 =>
                facts.Where(f => Measures.In(f.FirstResponseAt, from, to) && (!business || f.FirstResponseBusinessSeconds is not null)).ToList(),
            Measure.ResolutionMedian or Measure.ResolutionP90 =>
                facts.Where(f => Measures.In(f.ResolvedAt, from, to) && (!business || f.ResolutionBusinessSeconds is not null)).ToList(),
            Measure.FirstResponseCompliance => facts.Where(f => Measures.In(f.FirstResponseAt, from, to) && f.FirstResponseState is Sla.SlaState.Met or Sla.SlaState.Missed).ToList(),
            Measure.ResolutionCompliance => facts.Where(f => Measures.In(f.ResolvedAt, from, to) && f.ResolutionState is Sla.SlaState.Met or Sla.SlaState.Missed).ToList(),
            Measure.Breaches => facts.Where(f => Measures.In(f.FirstResponseBreachedAt, from, to) || Measures.In(f.ResolutionBreachedAt, from, to)).ToList(),
            Measure.Backlog or Measure.BacklogAgeMedian => Measures.Backlog(facts, to),
            Measure.Escalations => FiredIn(data, facts, from, to).Select(x => x.Fact).DistinctBy(f => f.TicketId).ToList(),
            Measure.Workload => Measures.Workload(facts, to),
            Measure.ComplaintsReceived => facts.Where(f => f.TypeId == data.ComplaintTypeId && Measures.In(f.CreatedAt, from, to)).ToList(),
            _ => Measures.Backlog(facts.Where(f => f.TypeId == data.ComplaintTypeId), to),
        };
    }

    /// <summary>A measure over the given tickets (already narrowed to a group) in [from, to).</summary>
    public static MeasureValue Compute(Measure m, ReportData data, IReadOnlyList<TicketFact> facts, DateTime from, DateTime to, bool business)
    {
        var behind = Behind(m, data, facts, from, to, business);
        double? value = m switch
        {
            Measure.FirstResponseMedian => Seconds(Measures.FirstResponseTime(facts, from, to, business).Median),
            Measure.FirstResponseP90 => Seconds(Measures.FirstResponseTime(facts, from, to, business).P90),
            Measure.ResolutionMedian => Seconds(Measures.ResolutionTime(facts, from, to, business).Median),
            Measure.ResolutionP90 => Seconds(Measures.ResolutionTime(facts, from, to, business).P90),
            Measure.FirstResponseCompliance => Measures.FirstResponseCompliance(facts, from, to).Rate,
            Measure.ResolutionCompliance => Measures.ResolutionCompliance(facts, from, to).Rate,
            Measure.Breaches => Measures.Breaches(facts, from, to),
            Measure.BacklogAgeMedian => Seconds(Measures.BacklogAge(facts, to).Median),
            Measure.ReopenRate => Measures.ReopenRate(facts, from, to),
            Measure.Escalations => FiredIn(data, facts, from, to).Count(),
            _ => behind.Count,
        };
        // Breaches count targets (a ticket can breach two) and escalations count levels fired: so does the number behind them.
        return new MeasureValue(value, m is Measure.Breaches or Measure.Escalations ? (int)value!.Value : behind.Count);
    }

    /// <summary>The measures a daily rollup can answer (counts by day, and rates of counts).</summary>
    public static bool IsCounting(Measure m) => m is Measure.Created or Measure.Resolved or Measure.FirstResponseCompliance
        or Measure.ResolutionCompliance or Measure.Breaches or Measure.ReopenRate or Measure.ComplaintsReceived;

    /// <summary>A counting measure's value over summed rollups.</summary>
    public static MeasureValue FromCounts(Measure m, DailyRollup sum)
    {
        static MeasureValue Rate(int part, int whole) => whole == 0 ? new MeasureValue(null, 0) : new MeasureValue((double)part / whole, whole);
        return m switch
        {
            Measure.Created or Measure.ComplaintsReceived => new MeasureValue(sum.Created, sum.Created),
            Measure.Resolved => new MeasureValue(sum.Resolved, sum.Resolved),
            Measure.Breaches => new MeasureValue(sum.Breaches, sum.Breaches),
            Measure.FirstResponseCompliance => Rate(sum.FirstResponseMet, sum.FirstResponseMet + sum.FirstResponseMissed),
            Measure.ResolutionCompliance => Rate(sum.ResolutionMet, sum.ResolutionMet + sum.ResolutionMissed),
            Measure.ReopenRate => Rate(sum.ResolvedReopened, sum.Resolved),
            _ => throw new ArgumentOutOfRangeException(nameof(m), m, "Not a counting measure."),
        };
    }

    /// <summary>
    /// A counting measure as a table from daily rollups of one dimension (already narrowed to one group when the
    /// filter names one): a row per department (by department), per key (by the rollups' dimension), or one row.
    /// </summary>
    public static ReportTable FromRollups(IReadOnlyList<DailyRollup> rollups, Measure m, Dimension? by, IReadOnlyList<Bucket> columns, bool business)
    {
        ReportRow Row(string key, IEnumerable<DailyRollup> group)
        {
            var days = group.ToList();
            return new ReportRow(key, columns.Select(c =>
            {
                var (from, to) = (DailyRollups.DayOf(c.Start), DailyRollups.DayOf(c.End));
                return FromCounts(m, Sum(days.Where(r => r.Day >= from && r.Day < to)));
            }).ToList());
        }

        var total = Row("", rollups);
        if (by is not { } dimension)
            return new ReportTable(m, business, null, columns, [total], total);
        var rows = rollups.GroupBy(r => dimension == Dimension.Department ? r.DepartmentId.ToString(CultureInfo.InvariantCulture) : r.Key)
            .Select(g => Row(g.Key, g))
            .Where(r => r.Cells.Any(c => c.Tickets > 0 || c.Value is > 0)).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        return new ReportTable(m, business, dimension, columns, rows, total);
    }

    private static DailyRollup Sum(IEnumerable<DailyRollup> rows)
    {
        var s = new DailyRollup();
        foreach (var r in rows)
        {
            s.Created += r.Created;
            s.Resolved += r.Resolved;
            s.ResolvedReopened += r.ResolvedReopened;
            s.FirstResponseMet += r.FirstResponseMet;
            s.FirstResponseMissed += r.FirstResponseMissed;
            s.ResolutionMet += r.ResolutionMet;
            s.ResolutionMissed += r.ResolutionMissed;
            s.Breaches += r.Breaches;
        }

        return s;
    }

    /// <summary>
    /// One measure as a table: the data narrowed by the filter, grouped by the dimension (escalations by the level that
    /// fired), cut into trend buckets; with a total row over every group.
    /// </summary>
    public static ReportTable Table(ReportData data, Measure m, ReportFilter filter, Dimension? by, Granularity? trend, bool business)
    {
        var facts = data.Facts.Where(filter.Keeps).ToList();
        var columns = trend is { } g ? Breakdowns.Buckets(data.From, data.To, g) : [new Bucket(data.From, data.To, "Total")];
        ReportRow Row(string key, IReadOnlyList<TicketFact> group, ReportData d) =>
            new(key, columns.Select(c => Compute(m, d, group, c.Start, c.End, business)).ToList());
        var total = Row("", facts, data);
        if (by is not { } dimension)
            return new ReportTable(m, business, null, columns, [total], total);

        List<ReportRow> rows;
        if (m == Measure.Escalations && dimension == Dimension.Level)
        {
            rows = data.Firings.GroupBy(f => f.Level).OrderBy(g => g.Key)
                .Select(g => Row(g.Key.ToString(CultureInfo.InvariantCulture), facts, data with { Firings = g.ToList() })).ToList();
        }
        else
        {
            rows = Breakdowns.By(facts, dimension).Select(g => Row(g.Key, g.Value, data)).ToList();
        }

        // Groups that count nothing in the period are left out (a department's every category would otherwise be listed).
        rows = rows.Where(r => r.Cells.Any(c => c.Tickets > 0 || c.Value is > 0)).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        return new ReportTable(m, business, dimension, columns, rows, total);
    }

    /// <summary>The tickets behind one cell of a table (the total row when <paramref name="rowKey"/> is null).</summary>
    public static IReadOnlyList<TicketFact> Drill(ReportData data, Measure m, ReportFilter filter, Dimension? by, string? rowKey, Bucket column, bool business)
    {
        var facts = data.Facts.Where(filter.Keeps).ToList();
        if (rowKey is not null && by is { } dimension)
        {
            if (m == Measure.Escalations && dimension == Dimension.Level)
                data = data with { Firings = data.Firings.Where(f => f.Level.ToString(CultureInfo.InvariantCulture) == rowKey).ToList() };
            else
                facts = facts.Where(f => Breakdowns.KeyOf(f, dimension) == rowKey).ToList();
        }

        return Behind(m, data, facts, column.Start, column.End, business).OrderBy(f => f.TicketId).ToList();
    }

    private static IEnumerable<(FiringFact Firing, TicketFact Fact)> FiredIn(ReportData data, IReadOnlyList<TicketFact> facts, DateTime from, DateTime to)
    {
        var byId = facts.ToDictionary(f => f.TicketId);
        return data.Firings.Where(f => Measures.In(f.FiredAt, from, to) && byId.ContainsKey(f.TicketId)).Select(f => (f, byId[f.TicketId]));
    }

    private static double? Seconds(TimeSpan? t) => t?.TotalSeconds;

    /// <summary>A value as people read it: a count, a duration (2 d 4 h, 3 h 05 m, 12 m) or a percentage; "–" when there is none.</summary>
    public static string Format(MeasureUnit unit, double? value)
    {
        if (value is not { } v)
            return "–";
        return unit switch
        {
            MeasureUnit.Count => v.ToString("N0", CultureInfo.InvariantCulture),
            MeasureUnit.Rate => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %",
            _ => Duration(TimeSpan.FromSeconds(v)),
        };
    }

    public static string Duration(TimeSpan t) => t.TotalDays >= 1 ? $"{(int)t.TotalDays} d {t.Hours} h"
        : t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes:D2} m"
        : $"{Math.Max(0, (int)t.TotalMinutes)} m";
}

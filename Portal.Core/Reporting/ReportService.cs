using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>A ticket behind a number, as a drill-down lists it.</summary>
public sealed record ReportTicket(int Id, string Key, string Title, string Department, TicketStatus Status, TicketPriority Priority,
    string? Assignee, DateTime CreatedAt, DateTime? ResolvedAt, DateTime? DueAt);

/// <summary>
/// Reads what dashboards and reports show, for the departments the reader may see (checked by <see cref="ReportFacts"/>
/// on every call): the facts of a period, the escalations that fired in it, the names behind the keys of a breakdown,
/// the open tickets closest to their due instant, and the tickets behind a number.
/// </summary>
public sealed class ReportService(IDbContextFactory<DeskDbContext> dbFactory, ReportFacts facts, TimeProvider clock)
{
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    public async Task<ReportData> LoadAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, DateTime from, DateTime to, CancellationToken ct = default)
    {
        var read = await facts.ReadAsync(actor, departmentIds, from, to, ct);
        var firings = (await facts.ReadFiringsAsync(actor, departmentIds, from, to, ct)).Select(f => f.Firing).ToList();
        return new ReportData(read, firings, await ComplaintTypeAsync(null, ct), from, to);
    }

    /// <summary>
    /// One measure as a table, reading only what it needs: counts from the daily rollups (when the filter names at most
    /// one group, or none and any breakdown), the backlog and workload of a period ending now from the open tickets,
    /// response and resolution times without a filter from an index holding just those, and anything else from the
    /// facts of every ticket that can count in the period. Each path computes the measure as defined in
    /// <see cref="Reports"/> (the tests check that every path gives the same table).
    /// </summary>
    public async Task<ReportTable> TableAsync(Actor actor, IReadOnlyCollection<int>? departments, Measure m, ReportFilter filter, Dimension? by,
        Granularity? trend, bool business, DateTime from, DateTime to, ReportReads? reads = null, CancellationToken ct = default)
    {
        reads ??= new ReportReads();
        var columns = trend is { } g ? Breakdowns.Buckets(from, to, g) : [new Bucket(from, to, "Total")];
        var dayAligned = from.TimeOfDay == TimeSpan.Zero && to.TimeOfDay == TimeSpan.Zero;
        var complaintType = await ComplaintTypeAsync(reads, ct);
        if (Reports.IsCounting(m) && dayAligned && RollupSelection(m, filter, by, complaintType) is { } pick)
        {
            var span = reads.SpanFor(DepartmentsKey(departments), from, to);
            var (fromDay, toDay) = (DailyRollups.DayOf(from), DailyRollups.DayOf(to));
            var rollups = (await reads.RollupsAsync($"{DepartmentsKey(departments)}|{pick.Dimension}|{span.From:O}|{span.To:O}",
                    () => facts.ReadRollupsAsync(actor, departments, pick.Dimension, DailyRollups.DayOf(span.From), DailyRollups.DayOf(span.To), ct)))
                .Where(r => r.Day >= fromDay && r.Day < toDay && (pick.Key is null || r.Key == pick.Key)).ToList();
            return Reports.FromRollups(rollups, m, by, columns, business);
        }

        ReportData data;
        if (m == Measure.Escalations && filter == ReportFilter.None && by is null or Dimension.Level or Dimension.Department)
        {
            // Escalations by level or department need the firings alone (and each fired ticket's department); over whole
            // days, their counts per day. (Each department stands for its tickets here, under a negative number.)
            var fired = dayAligned
                ? await facts.ReadFiringsByDayAsync(actor, departments, from, to, ct)
                : (await facts.ReadFiringsAsync(actor, departments, from, to, ct))
                    .Select(f => (f.Firing with { TicketId = -f.DepartmentId }, f.DepartmentId)).ToList();
            var tickets = fired.Select(f => f.DepartmentId).Distinct()
                .Select(d => new TicketFact(-d, d, null, null, 0, 0, default, from, null, null, null, null, null, null, null, null, 0))
                .ToList();
            data = new ReportData(tickets, fired.Select(f => f.Firing).ToList(), complaintType, from, to);
        }
        else if (Reports.IsStateAtEnd(m) && trend is null && to > Now)
        {
            var open = await reads.OpenAsync(DepartmentsKey(departments), () => facts.ReadOpenAsync(actor, departments, ct));
            data = new ReportData(open, [], complaintType, from, to);
        }
        else if (m is Measure.FirstResponseMedian or Measure.FirstResponseP90 or Measure.ResolutionMedian or Measure.ResolutionP90
                 && filter == ReportFilter.None && by is null)
        {
            var resolution = m is Measure.ResolutionMedian or Measure.ResolutionP90;
            if (trend is null)
            {
                // One number: the database ranks the durations itself.
                var stats = await facts.PercentilesAsync(actor, departments, resolution, business, from, to, ct);
                var value = m is Measure.FirstResponseMedian or Measure.ResolutionMedian ? stats.Median : stats.P90;
                var row = new ReportRow("", [new MeasureValue(value?.TotalSeconds, stats.Count)]);
                return new ReportTable(m, business, null, columns, [row], row);
            }

            data = new ReportData(await facts.ReadDurationsAsync(actor, departments, resolution, from, to, ct), [], complaintType, from, to);
        }
        else
        {
            var span = reads.SpanFor(DepartmentsKey(departments), from, to);
            data = await reads.FactsAsync(DepartmentsKey(departments), span, () => LoadAsync(actor, departments, span.From, span.To, ct)) with { From = from, To = to };
        }

        return Reports.Table(data, m, filter, by, trend, business);
    }

    /// <summary>Which rollups answer a counting measure: the dimension to read and the one group to keep, or null when none can.</summary>
    internal static (string Dimension, string? Key)? RollupSelection(Measure m, ReportFilter filter, Dimension? by, int? complaintType)
    {
        var parts = new List<(Dimension Dimension, string Key)>();
        if (filter.TeamId is { } team)
            parts.Add((Dimension.Team, team.ToString(CultureInfo.InvariantCulture)));
        if (filter.AssigneeId is { } agent)
            parts.Add((Dimension.Agent, agent));
        if (filter.CategoryId is { } category)
            parts.Add((Dimension.Category, category.ToString(CultureInfo.InvariantCulture)));
        if (filter.Priority is { } priority)
            parts.Add((Dimension.Priority, priority.ToString()));
        if (filter.TypeId is { } type)
            parts.Add((Dimension.Type, type.ToString(CultureInfo.InvariantCulture)));
        if (m == Measure.ComplaintsReceived)
            parts.Add((Dimension.Type, (complaintType ?? -1).ToString(CultureInfo.InvariantCulture)));
        if (parts.Select(p => p.Dimension).Distinct().Count() > 1 || parts.Select(p => p.Key).Distinct().Count() > 1)
            return null;
        if (parts.Count > 0)
            return by is null ? (parts[0].Dimension.ToString(), parts[0].Key) : null;
        return by is null or Dimension.Department ? (DailyRollups.All, null) : (by.Value.ToString(), null);
    }

    /// <summary>The Complaint type's id (read once per render when <paramref name="reads"/> is given).</summary>
    private async Task<int?> ComplaintTypeAsync(ReportReads? reads, CancellationToken ct)
    {
        if (reads?.ComplaintType is { } known)
            return known.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var id = await db.TicketTypes.Where(t => t.Kind == Departments.TicketKind.Complaint).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
        if (reads is not null)
            reads.ComplaintType = new StrongBox<int?>(id);
        return id;
    }

    private static string DepartmentsKey(IReadOnlyCollection<int>? departments) =>
        departments is null || departments.Count == 0 ? "*" : string.Join(",", departments.Order());

    /// <summary>A report as asked for, with the viewer's rights; the rows named for people.</summary>
    public async Task<ReportResult> RunAsync(Actor actor, ReportRequest request, CancellationToken ct = default)
    {
        var (from, to) = request.Range(Now);
        IReadOnlyCollection<int>? departments = request.DepartmentId is { } d ? [d] : null;
        var table = await TableAsync(actor, departments, request.Measure, request.FilterFor(actor.UserId), request.By, request.Trend, request.Business, from, to, null, ct);
        var names = request.By is { } by ? await NamesAsync(by, table.Rows.Select(r => r.Key), ct) : new Dictionary<string, string>();
        return new ReportResult(request, from, to, table, names);
    }

    /// <summary>The tickets behind one cell of a report (the total row when <paramref name="rowKey"/> is null).</summary>
    public async Task<IReadOnlyList<ReportTicket>> DrillAsync(Actor actor, ReportRequest request, string? rowKey, int column, CancellationToken ct = default)
    {
        var (from, to) = request.Range(Now);
        IReadOnlyCollection<int>? departments = request.DepartmentId is { } d ? [d] : null;
        var data = await LoadAsync(actor, departments, from, to, ct);
        var columns = request.Trend is { } g ? Breakdowns.Buckets(from, to, g) : [new Bucket(from, to, "Total")];
        if (column < 0 || column >= columns.Count)
            throw new DeskValidationException("Column", "That column is not in the report.");
        var behind = Reports.Drill(data, request.Measure, request.FilterFor(actor.UserId), request.By, rowKey, columns[column], request.Business);
        return await TicketsAsync(behind, ct);
    }

    /// <summary>People's names for the keys of a breakdown (departments, teams, agents, categories, types; priorities and levels as they are).</summary>
    public async Task<IReadOnlyDictionary<string, string>> NamesAsync(Dimension dimension, IEnumerable<string> keys, CancellationToken ct = default)
    {
        var wanted = keys.Where(k => k != "").Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = wanted.Select(k => int.TryParse(k, CultureInfo.InvariantCulture, out var id) ? id : 0).ToList();
        Dictionary<string, string> names = dimension switch
        {
            Dimension.Department => await db.Departments.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => Key(d.Id), d => d.Name, ct),
            Dimension.Team => await db.Teams.Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => Key(t.Id), t => t.Name, ct),
            Dimension.Agent => await db.Users.Where(u => wanted.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct),
            Dimension.Category => await db.Categories.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => Key(c.Id), c => c.Name, ct),
            Dimension.Type => await db.TicketTypes.Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => Key(t.Id), t => t.Name, ct),
            Dimension.Level => wanted.ToDictionary(k => k, k => k == "0" ? "Not escalated" : "Level " + k),
            _ => wanted.ToDictionary(k => k, k => k),
        };
        names[""] = dimension switch
        {
            Dimension.Team => "No team",
            Dimension.Agent => "Unassigned",
            _ => "None",
        };
        return names;
    }

    /// <summary>The open tickets closest to (or past) their due instant, most urgent first.</summary>
    public async Task<IReadOnlyList<ReportTicket>> AtRiskAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, ReportFilter filter, int take,
        ReportReads? reads = null, CancellationToken ct = default)
    {
        reads ??= new ReportReads();
        var open = (await reads.OpenAsync(DepartmentsKey(departmentIds), () => facts.ReadOpenAsync(actor, departmentIds, ct)))
            .Where(f => f.DueAt is not null && f.Status != TicketStatus.Waiting && filter.Keeps(f))
            .OrderBy(f => f.DueAt).Take(take).ToList();
        return await TicketsAsync(open, ct);
    }

    /// <summary>The tickets of the given facts, in their order, as a drill-down lists them.</summary>
    public async Task<IReadOnlyList<ReportTicket>> TicketsAsync(IReadOnlyList<TicketFact> which, CancellationToken ct = default)
    {
        var ids = which.Select(f => f.TicketId).ToList();
        var rows = new Dictionary<int, ReportTicket>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var chunk in ids.Chunk(500))
        {
            var part = await db.Tickets.AsNoTracking().Where(t => chunk.Contains(t.Id))
                .Select(t => new { t.Id, t.Key, t.Title, Department = t.Department!.Name, t.Status, t.Priority, Assignee = t.Assignee!.DisplayName, t.CreatedAt, t.SlaDueAt })
                .ToListAsync(ct);
            foreach (var t in part)
                rows[t.Id] = new ReportTicket(t.Id, t.Key, t.Title, t.Department, t.Status, t.Priority, t.Assignee, t.CreatedAt, null, t.SlaDueAt);
        }

        return which.Where(f => rows.ContainsKey(f.TicketId)).Select(f => rows[f.TicketId] with { ResolvedAt = f.ResolvedAt }).ToList();
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// What one render (a dashboard, a report) has read, shared by its widgets: the open tickets and the facts of a period
/// per choice of departments. A dashboard first widens each choice's period to cover all its widgets, so one reading
/// serves them all (the facts read for a period hold every ticket that can count in any period inside it).
/// </summary>
public sealed class ReportReads
{
    private readonly Dictionary<string, (DateTime From, DateTime To)> _spans = [];
    private readonly Dictionary<string, Task<ReportData>> _facts = [];
    private readonly Dictionary<string, Task<IReadOnlyList<TicketFact>>> _open = [];
    private readonly Dictionary<string, Task<IReadOnlyList<DailyRollup>>> _rollups = [];

    internal StrongBox<int?>? ComplaintType { get; set; }

    /// <summary>Widens the period read for a choice of departments (call for every widget before computing any).</summary>
    public void Cover(IReadOnlyCollection<int>? departments, DateTime from, DateTime to)
    {
        var key = departments is null || departments.Count == 0 ? "*" : string.Join(",", departments.Order());
        _spans[key] = _spans.TryGetValue(key, out var s) ? (s.From < from ? s.From : from, s.To > to ? s.To : to) : (from, to);
    }

    internal (DateTime From, DateTime To) SpanFor(string key, DateTime from, DateTime to) =>
        _spans.TryGetValue(key, out var s) && s.From <= from && s.To >= to ? s : (from, to);

    internal Task<ReportData> FactsAsync(string key, (DateTime From, DateTime To) span, Func<Task<ReportData>> read)
    {
        var k = $"{key}|{span.From:O}|{span.To:O}";
        if (!_facts.TryGetValue(k, out var task))
            _facts[k] = task = read();
        return task;
    }

    internal Task<IReadOnlyList<DailyRollup>> RollupsAsync(string key, Func<Task<IReadOnlyList<DailyRollup>>> read)
    {
        if (!_rollups.TryGetValue(key, out var task))
            _rollups[key] = task = read();
        return task;
    }

    internal Task<IReadOnlyList<TicketFact>> OpenAsync(string key, Func<Task<IReadOnlyList<TicketFact>>> read)
    {
        if (!_open.TryGetValue(key, out var task))
            _open[key] = task = read();
        return task;
    }
}

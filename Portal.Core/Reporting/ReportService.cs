using System.Globalization;
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
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var departments = read.Select(f => f.DepartmentId).Distinct().ToList();
        var firings = await db.EscalationFirings.Where(f => f.FiredAt >= from && f.FiredAt < to)
            .Join(db.Tickets.Where(t => departments.Contains(t.DepartmentId)), f => f.TicketId, t => t.Id, (f, t) => f)
            .Join(db.EscalationLevels, f => f.LevelId, l => l.Id, (f, l) => new FiringFact(f.TicketId, l.Level, f.FiredAt))
            .ToListAsync(ct);
        var complaintType = await db.TicketTypes.Where(t => t.Name == Complaints.ComplaintService.TypeName).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
        return new ReportData(read, firings, complaintType, from, to);
    }

    /// <summary>A report as asked for, with the viewer's rights; the rows named for people.</summary>
    public async Task<ReportResult> RunAsync(Actor actor, ReportRequest request, CancellationToken ct = default)
    {
        var (from, to) = request.Range(Now);
        IReadOnlyCollection<int>? departments = request.DepartmentId is { } d ? [d] : null;
        var data = await LoadAsync(actor, departments, from, to, ct);
        var table = Reports.Table(data, request.Measure, request.Filter, request.By, request.Trend, request.Business);
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
        var behind = Reports.Drill(data, request.Measure, request.Filter, request.By, rowKey, columns[column], request.Business);
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
        CancellationToken ct = default)
    {
        var open = (await facts.ReadAsync(actor, departmentIds, Now, Now.AddTicks(1), ct))
            .Where(f => f.ResolvedAt is null && f.DueAt is not null && f.Status != TicketStatus.Waiting && filter.Keeps(f))
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

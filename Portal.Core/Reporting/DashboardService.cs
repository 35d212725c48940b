using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Reporting;

public sealed record DashboardSummary(int Id, string Name, string Owner, bool IsMine, string? SharedWith);

public sealed record Dashboard(int? Id, string Name, IReadOnlyList<Widget> Widgets, int? SharedWithDepartmentId, int Version, bool CanEdit);

public sealed record DashboardInput(int? Id, string Name, int? SharedWithDepartmentId, IReadOnlyList<Widget> Widgets, int Version);

/// <summary>
/// A widget as shown: its title and what it covers, and its figure (a tile's value), table (a trend's buckets or a
/// breakdown's groups, with people's names for the keys) or tickets; or the reason it cannot be shown to this viewer.
/// </summary>
public sealed record WidgetView(Widget Widget, string Title, string Subtitle, MeasureInfo Info, string? Value, ReportTable? Table,
    IReadOnlyList<string> Labels, IReadOnlyList<ReportTicket> Tickets, string? Problem);

/// <summary>
/// Dashboards: the default one for each role (an agent's own work, a supervisor's departments, everything for admins
/// and auditors), and custom ones people build, save and may share with a department. Every widget is computed with
/// the viewer's own rights, so a shared dashboard never shows a department the viewer may not read.
/// </summary>
public sealed class DashboardService(IDbContextFactory<DeskDbContext> dbFactory, ReportService reports, TimeProvider clock)
{
    public const int NameMax = 100;
    public const int WidgetMax = 24;

    public static Dashboard DefaultFor(Actor actor)
    {
        // Supervisors and the organisation see the same week and month at a glance; they differ in the figures below it.
        if (Access.ReadsEveryDepartment(actor))
        {
            return new Dashboard(null, "Organisation", [
                .. Overview(W(WidgetKind.Tile, Measure.ResolutionMedian), W(WidgetKind.Tile, Measure.ComplaintsOpen)),
                Half(WidgetKind.Breakdown, Measure.ResolutionCompliance) with { By = Dimension.Department },
                Half(WidgetKind.Breakdown, Measure.Backlog) with { By = Dimension.Department },
                Half(WidgetKind.Breakdown, Measure.Escalations) with { By = Dimension.Level },
                Half(WidgetKind.AtRisk, Measure.Backlog),
            ], null, 0, false);
        }

        if (actor.IsSupervisor)
        {
            return new Dashboard(null, "My departments", [
                .. Overview(W(WidgetKind.Tile, Measure.FirstResponseMedian), W(WidgetKind.Tile, Measure.ReopenRate)),
                Half(WidgetKind.Breakdown, Measure.Workload) with { By = Dimension.Agent },
                Half(WidgetKind.Breakdown, Measure.Breaches) with { By = Dimension.Priority },
                Half(WidgetKind.Breakdown, Measure.Escalations) with { By = Dimension.Level },
                Half(WidgetKind.AtRisk, Measure.Backlog),
            ], null, 0, false);
        }

        return new Dashboard(null, "My work", [
            W(WidgetKind.Tile, Measure.Workload) with { MineOnly = true }, W(WidgetKind.Tile, Measure.Resolved, Period.Last7Days) with { MineOnly = true },
            W(WidgetKind.Tile, Measure.FirstResponseMedian) with { MineOnly = true }, W(WidgetKind.Tile, Measure.ResolutionCompliance) with { MineOnly = true },
            W(WidgetKind.AtRisk, Measure.Backlog) with { MineOnly = true, Size = WidgetSize.Half },
            W(WidgetKind.Trend, Measure.Resolved) with { MineOnly = true, Size = WidgetSize.Half },
            W(WidgetKind.Tile, Measure.Backlog) with { Size = WidgetSize.Small }, W(WidgetKind.Tile, Measure.Breaches, Period.Last7Days),
        ], null, 0, false);
    }

    private static Widget W(WidgetKind kind, Measure m, Period period = Period.Last30Days) => new(Widget.NewId(), kind, m, period);

    private static Widget Half(WidgetKind kind, Measure m) => W(kind, m) with { Size = WidgetSize.Half };

    /// <summary>The backlog and the week's flow, the month's SLA results, two tiles of the role's own, and the daily trends.</summary>
    private static Widget[] Overview(Widget seventh, Widget eighth) =>
    [
        W(WidgetKind.Tile, Measure.Backlog), W(WidgetKind.Tile, Measure.Created, Period.Last7Days),
        W(WidgetKind.Tile, Measure.Resolved, Period.Last7Days), W(WidgetKind.Tile, Measure.Breaches, Period.Last7Days),
        W(WidgetKind.Tile, Measure.FirstResponseCompliance), W(WidgetKind.Tile, Measure.ResolutionCompliance),
        seventh, eighth,
        Half(WidgetKind.Trend, Measure.Created), Half(WidgetKind.Trend, Measure.Resolved),
    ];

    public async Task<IReadOnlyList<DashboardSummary>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        Guard(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var departments = actor.DepartmentIds.ToList();
        var rows = await db.Set<DashboardRecord>().AsNoTracking()
            .Where(d => d.OwnerId == actor.UserId || (d.SharedWithDepartmentId != null && departments.Contains(d.SharedWithDepartmentId.Value)))
            .OrderBy(d => d.Name)
            .Select(d => new
            {
                d.Id, d.Name, d.OwnerId, Owner = db.Users.Where(u => u.Id == d.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
                SharedWith = db.Departments.Where(x => x.Id == d.SharedWithDepartmentId).Select(x => x.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return rows.Select(r => new DashboardSummary(r.Id, r.Name, r.Owner ?? "", r.OwnerId == actor.UserId, r.SharedWith)).ToList();
    }

    public async Task<Dashboard> GetAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Guard(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var d = await db.Set<DashboardRecord>().AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null || !(d.OwnerId == actor.UserId || (d.SharedWithDepartmentId is { } dept && actor.DepartmentIds.Contains(dept))))
            throw new DeskNotFoundException("That dashboard does not exist or is not shared with you.");
        return new Dashboard(d.Id, d.Name, DashboardJson.Read(d.Widgets), d.SharedWithDepartmentId, d.Version, d.OwnerId == actor.UserId);
    }

    /// <summary>Saves the owner's dashboard (a new one when Id is null); a dashboard changed meanwhile in another tab is refused, not overwritten.</summary>
    public async Task<Dashboard> SaveAsync(Actor actor, DashboardInput input, CancellationToken ct = default)
    {
        Guard(actor);
        var errors = new ValidationErrors();
        errors.Required("Name", input.Name, "Name");
        errors.MaxLength("Name", input.Name?.Trim(), NameMax, "Name");
        if (input.Widgets.Count > WidgetMax)
            errors.Add("Widgets", $"A dashboard holds at most {WidgetMax} widgets (it has {input.Widgets.Count}).");
        if (input.SharedWithDepartmentId is { } shared && !actor.IsAdmin && !actor.DepartmentIds.Contains(shared))
            errors.Add("SharedWithDepartmentId", "You may share a dashboard only with a department you belong to.");
        foreach (var w in input.Widgets.Where(w => w.DepartmentId is { } dept && !Access.MayReadDepartment(actor, dept)))
            errors.Add("Widgets", $"A widget asks for a department whose figures you may not read ({Reports.Info(w.Measure).Title}).");
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateForAsync(actor, ct);
        DashboardRecord record;
        if (input.Id is { } id)
        {
            record = await db.Set<DashboardRecord>().FirstOrDefaultAsync(x => x.Id == id, ct)
                ?? throw new DeskNotFoundException("That dashboard does not exist any more.");
            if (record.OwnerId != actor.UserId)
                throw new DeskForbiddenException("Only its owner may change a dashboard; save a copy of it instead.");
            if (record.Version != input.Version)
                throw new DeskConflictException("This dashboard was changed in another window since you opened it; reload it to see that change.");
        }
        else
        {
            record = new DashboardRecord { OwnerId = actor.UserId };
            db.Add(record);
        }

        record.Name = input.Name!.Trim();
        record.SharedWithDepartmentId = input.SharedWithDepartmentId;
        record.Widgets = DashboardJson.Write(input.Widgets);
        record.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        record.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DeskConflictException("This dashboard was changed in another window since you opened it; reload it to see that change.");
        }

        return new Dashboard(record.Id, record.Name, input.Widgets, record.SharedWithDepartmentId, record.Version, true);
    }

    public async Task DeleteAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Guard(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var record = await db.Set<DashboardRecord>().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new DeskNotFoundException("That dashboard does not exist any more.");
        if (record.OwnerId != actor.UserId)
            throw new DeskForbiddenException("Only its owner may delete a dashboard.");
        db.Remove(record);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Computes every widget with the viewer's rights; widgets over the same departments and period share one reading.</summary>
    public async Task<IReadOnlyList<WidgetView>> RenderAsync(Actor actor, IReadOnlyList<Widget> widgets, CancellationToken ct = default)
    {
        Guard(actor);
        var now = clock.GetUtcNow().UtcDateTime;
        // Widgets over the same departments share one reading, widened to cover each of their periods.
        var reads = new ReportReads();
        foreach (var w in widgets.Where(w => w.Kind != WidgetKind.AtRisk))
        {
            var (from, to) = Periods.Resolve(w.Period, now);
            reads.Cover(w.DepartmentId is { } d ? [d] : null, from, to);
        }

        var views = new List<WidgetView>();
        var departmentNames = await DepartmentNamesAsync(ct);
        foreach (var w in widgets)
        {
            var info = Reports.Info(w.Measure);
            var subtitle = string.Join(" · ", new[]
            {
                w.Kind == WidgetKind.AtRisk || (w.Kind != WidgetKind.Trend && Reports.IsStateAtEnd(w.Measure) && Periods.EndsToday(w.Period)) ? "Now" : Periods.Title(w.Period),
                w.DepartmentId is { } d ? departmentNames.GetValueOrDefault(d, "?") : null,
                w.MineOnly ? "mine" : null,
                w.Priority?.ToString(),
                w.Kind != WidgetKind.AtRisk && info.Unit == MeasureUnit.Duration ? (w.Business ? "business time" : "calendar time") : null,
            }.Where(x => x is not null));
            var title = w.Kind switch
            {
                WidgetKind.AtRisk => "Closest to breach",
                WidgetKind.Breakdown => $"{info.Title} by {(w.By ?? Dimension.Department).ToString().ToLowerInvariant()}",
                WidgetKind.Trend => $"{info.Title} per {w.Trend.ToString().ToLowerInvariant()}",
                _ => info.Title,
            };
            IReadOnlyCollection<int>? departments = w.DepartmentId is { } one ? [one] : null;
            try
            {
                if (w.Kind == WidgetKind.AtRisk)
                {
                    var tickets = await reports.AtRiskAsync(actor, departments, w.FilterFor(actor.UserId), 8, reads, ct);
                    views.Add(new WidgetView(w, title, subtitle, info, null, null, [], tickets, null));
                    continue;
                }

                var (from, to) = Periods.Resolve(w.Period, now);
                var table = await reports.TableAsync(actor, departments, w.Measure, w.FilterFor(actor.UserId),
                    w.Kind == WidgetKind.Breakdown ? w.By ?? Dimension.Department : null, w.Kind == WidgetKind.Trend ? w.Trend : null, w.Business, from, to,
                    reads, ct);
                IReadOnlyList<string> labels = [];
                if (w.Kind == WidgetKind.Trend)
                    labels = table.Columns.Select(c => c.Label).ToList();
                else if (w.Kind == WidgetKind.Breakdown)
                {
                    var names = await reports.NamesAsync(table.By!.Value, table.Rows.Select(r => r.Key), ct);
                    labels = table.Rows.Select(r => names.GetValueOrDefault(r.Key, r.Key)).ToList();
                }

                views.Add(new WidgetView(w, title, subtitle, info, Reports.Format(info.Unit, table.Total.Cells[0].Value), table, labels, [], null));
            }
            catch (DeskForbiddenException e)
            {
                views.Add(new WidgetView(w, title, subtitle, info, null, null, [], [], e.Message));
            }
        }

        return views;
    }

    private async Task<Dictionary<int, string>> DepartmentNamesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Departments.ToDictionaryAsync(d => d.Id, d => d.Name, ct);
    }

    private static void Guard(Actor actor)
    {
        if (!(actor.IsStaff || actor.CanReadAudit))
            throw new DeskForbiddenException("Dashboards are for agents, supervisors, admins and auditors.");
    }
}

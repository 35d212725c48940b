using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>
/// Reads the facts the measures work on, for the departments the reader may see: admins and auditors all, agents and
/// supervisors their own; asking for another department's figures is refused. A ticket's answer and resolution
/// instants and business times are those its SLA recorded (the first response and resolution targets' stops).
/// </summary>
public sealed class ReportFacts(IDbContextFactory<DeskDbContext> dbFactory)
{
    /// <summary>Every ticket that can count in [from, to): created before its end and not resolved before its start.</summary>
    public async Task<IReadOnlyList<TicketFact>> ReadAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, DateTime from, DateTime to,
        CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.Tickets.AsNoTracking()
            .Where(t => departments.Contains(t.DepartmentId) && t.CreatedAt < to)
            .Select(t => new
            {
                t.Id, t.DepartmentId, t.TeamId, t.AssigneeId, t.CategoryId, t.TypeId, t.Priority, t.CreatedAt,
                First = db.TicketSlaStates.Where(s => s.TicketId == t.Id && s.Metric == SlaMetric.FirstResponse)
                    .Select(s => new { s.StoppedAt, s.ElapsedSeconds, s.State, s.BreachedAt }).FirstOrDefault(),
                Resolution = db.TicketSlaStates.Where(s => s.TicketId == t.Id && s.Metric == SlaMetric.Resolution)
                    .Select(s => new { s.StoppedAt, s.ElapsedSeconds, s.State, s.BreachedAt }).FirstOrDefault(),
                Reopens = db.TicketEvents.Count(e => e.TicketId == t.Id && e.Kind == TicketEventKind.Reopened),
            })
            .ToListAsync(ct);
        return rows
            .Where(r => r.Resolution?.StoppedAt is not { } resolved || resolved >= from)
            .Select(r => new TicketFact(r.Id, r.DepartmentId, r.TeamId, r.AssigneeId, r.CategoryId, r.TypeId, r.Priority, r.CreatedAt,
                r.First?.StoppedAt, r.First?.StoppedAt is null ? null : r.First.ElapsedSeconds, r.First?.State, r.First?.BreachedAt,
                r.Resolution?.StoppedAt, r.Resolution?.StoppedAt is null ? null : r.Resolution.ElapsedSeconds, r.Resolution?.State,
                r.Resolution?.BreachedAt, r.Reopens))
            .ToList();
    }

    private async Task<List<int>> VisibleDepartmentsAsync(Actor actor, IReadOnlyCollection<int>? asked, CancellationToken ct)
    {
        if (!(actor.IsStaff || actor.CanReadAudit))
            throw new DeskForbiddenException("Reports are for agents, supervisors, admins and auditors.");
        List<int> visible;
        if (actor.IsAdmin || actor.CanReadAudit)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            visible = await db.Departments.Select(d => d.Id).ToListAsync(ct);
        }
        else
        {
            visible = actor.DepartmentIds.ToList();
        }

        if (asked is null || asked.Count == 0)
            return visible;
        return asked.All(visible.Contains)
            ? asked.ToList()
            : throw new DeskForbiddenException("You may read the figures of your own departments only.");
    }
}

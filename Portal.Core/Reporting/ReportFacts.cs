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
    /// <summary>
    /// Every ticket that can count in [from, to): created before its end and not resolved before its start, read from
    /// the facts kept with the tickets (<see cref="FactWriter"/>).
    /// </summary>
    public async Task<IReadOnlyList<TicketFact>> ReadAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, DateTime from, DateTime to,
        CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var facts = db.TicketFacts.AsNoTracking().Where(f => departments.Contains(f.DepartmentId) && f.CreatedAt < to);
        // Two index ranges per department: resolved in or after the period, and still open.
        var resolved = await Project(facts.Where(f => f.ResolvedAt >= from)).ToListAsync(ct);
        var open = await Project(facts.Where(f => f.ResolvedAt == null)).ToListAsync(ct);
        resolved.AddRange(open);
        return resolved;
    }

    private static IQueryable<TicketFact> Project(IQueryable<TicketFactRow> rows) => rows.Select(f => new TicketFact(f.TicketId,
        f.DepartmentId, f.TeamId, f.AssigneeId, f.CategoryId, f.TypeId, f.Priority, f.CreatedAt, f.FirstResponseAt,
        f.FirstResponseBusinessSeconds, f.FirstResponseState, f.FirstResponseBreachedAt, f.ResolvedAt, f.ResolutionBusinessSeconds,
        f.ResolutionState, f.ResolutionBreachedAt, f.Reopens, f.EscalationLevel, f.Status, f.DueAt));

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

using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>A ticket on the board: its most urgent target and how it stands.</summary>
public sealed record BoardTicket(int Id, string Key, string Title, int DepartmentId, string DepartmentName, string? TeamName,
    string? AssigneeId, string? AssigneeName, TicketPriority Priority, int EscalationLevel, SlaMetric Metric, DateTime DueAt, bool Breached);

public sealed record BoardCount(string Name, int AtRisk, int Breached);

/// <summary>One agent's load: open tickets, how many of them are at risk or breached, and whether they are away.</summary>
public sealed record AgentLoad(string UserId, string Name, string Teams, bool Away, int Open, int AtRisk, int Breached);

public sealed record BoardView(DateTime At, IReadOnlyList<BoardTicket> Tickets, IReadOnlyList<BoardCount> ByDepartment,
    IReadOnlyList<BoardCount> ByTeam, IReadOnlyList<BoardCount> ByAgent)
{
    public IReadOnlyList<AgentLoad> Workload { get; init; } = [];

    public int AtRisk => Tickets.Count(t => !t.Breached);
    public int Breached => Tickets.Count(t => t.Breached);
}

/// <summary>
/// The breach board: open tickets of the actor's departments that have breached a target, or are at risk (in
/// warning, or due within the hour), counted by department, team and agent.
/// </summary>
public sealed class BoardService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock)
{
    public static readonly TimeSpan AtRiskWithin = TimeSpan.FromHours(1);
    public const int Limit = 500;

    public async Task<BoardView> GetAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsStaff)
            throw new DeskForbiddenException("The breach board is for agents, supervisors and admins.");
        var now = clock.GetUtcNow().UtcDateTime;
        var soon = now + AtRiskWithin;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var departments = actor.IsAdmin
            ? await db.Departments.Select(d => d.Id).ToListAsync(ct)
            : actor.DepartmentIds.ToList();
        var rows = await db.TicketSlaStates.AsNoTracking()
            .Where(s => (s.State == SlaState.Breached || s.State == SlaState.Warning || (s.State == SlaState.Running && s.DueAt <= soon)) && s.DueAt != null)
            .Join(db.Tickets.Where(t => departments.Contains(t.DepartmentId) && t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed),
                s => s.TicketId, t => t.Id, (s, t) => new
                {
                    t.Id, t.Key, t.Title, t.DepartmentId, Department = t.Department!.Name, Team = t.Team != null ? t.Team.Name : null,
                    t.AssigneeId, Assignee = t.Assignee != null ? t.Assignee.DisplayName : null, t.Priority, t.EscalationLevel,
                    s.Metric, s.State, DueAt = s.DueAt!.Value,
                })
            .OrderBy(x => x.DueAt).Take(Limit * 3).ToListAsync(ct);

        // One line per ticket: its most urgent target.
        var tickets = rows.GroupBy(r => r.Id).Select(g => g.OrderBy(r => r.DueAt).First())
            .Select(r => new BoardTicket(r.Id, r.Key, r.Title, r.DepartmentId, r.Department, r.Team, r.AssigneeId, r.Assignee, r.Priority,
                r.EscalationLevel, r.Metric, r.DueAt, r.State == SlaState.Breached || r.DueAt < now))
            .OrderByDescending(t => t.Breached).ThenBy(t => t.DueAt).Take(Limit).ToList();
        static List<BoardCount> Count(IEnumerable<IGrouping<string, BoardTicket>> groups) =>
            groups.Select(g => new BoardCount(g.Key, g.Count(t => !t.Breached), g.Count(t => t.Breached)))
                .OrderByDescending(c => c.Breached).ThenByDescending(c => c.AtRisk).ThenBy(c => c.Name).ToList();
        var agents = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && (u.Roles & (DeskRole.Agent | DeskRole.Supervisor)) != 0 && u.Departments.Any(d => departments.Contains(d.DepartmentId)))
            .Select(u => new { u.Id, u.DisplayName, u.IsAway, Teams = u.Teams.Select(t => t.Team!.Name).ToList() })
            .ToListAsync(ct);
        var ids = agents.Select(a => a.Id).ToList();
        var open = await db.Tickets.Where(t => t.AssigneeId != null && ids.Contains(t.AssigneeId) && departments.Contains(t.DepartmentId)
                && t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed)
            .GroupBy(t => t.AssigneeId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var workload = agents.Select(a => new AgentLoad(a.Id, a.DisplayName, string.Join(", ", a.Teams.Order()), a.IsAway, open.GetValueOrDefault(a.Id),
                tickets.Count(t => t.AssigneeId == a.Id && !t.Breached), tickets.Count(t => t.AssigneeId == a.Id && t.Breached)))
            .OrderByDescending(a => a.Breached).ThenByDescending(a => a.AtRisk).ThenByDescending(a => a.Open).ThenBy(a => a.Name).ToList();
        return new BoardView(now, tickets,
            Count(tickets.GroupBy(t => t.DepartmentName)),
            Count(tickets.GroupBy(t => t.TeamName ?? "No team")),
            Count(tickets.GroupBy(t => t.AssigneeName ?? "Unassigned")))
        {
            Workload = workload,
        };
    }
}

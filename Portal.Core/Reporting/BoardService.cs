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

/// <summary>
/// The board: the most urgent tickets (at most <see cref="BoardService.ListLimit"/>) and counts over all of them,
/// however many there are.
/// </summary>
public sealed record BoardView(DateTime At, IReadOnlyList<BoardTicket> Tickets, IReadOnlyList<BoardCount> ByDepartment,
    IReadOnlyList<BoardCount> ByTeam, IReadOnlyList<BoardCount> ByAgent)
{
    public IReadOnlyList<AgentLoad> Workload { get; init; } = [];

    public int AtRisk => ByDepartment.Sum(c => c.AtRisk);
    public int Breached => ByDepartment.Sum(c => c.Breached);

    /// <summary>More tickets are at risk or breached than the list shows.</summary>
    public bool Truncated => AtRisk + Breached > Tickets.Count;
}

/// <summary>
/// The breach board: open tickets of the actor's departments that have breached a target, or are at risk (in
/// warning, or due within the hour), counted by department, team and agent.
/// </summary>
public sealed class BoardService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketChangeFeed feed)
{
    /// <summary>How long a shared board stays fresh without a ticket change (targets also move into risk by time alone).</summary>
    public static readonly TimeSpan SharedFor = TimeSpan.FromSeconds(5);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SharedBoard> _shared = new();

    private sealed record SharedBoard(long Generation, DateTime At, Task<BoardView> View);

    /// <summary>
    /// The board as <see cref="GetAsync"/> gives it, shared by everyone who sees the same departments: when a change
    /// reaches a hundred open boards, the database is read once for all of them, not a hundred times. A board read
    /// before the latest published change, or longer ago than <see cref="SharedFor"/>, is read again.
    /// </summary>
    public async Task<BoardView> GetSharedAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsStaff)
            throw new DeskForbiddenException("The breach board is for agents, supervisors and admins.");
        var key = actor.IsAdmin ? "all" : string.Join(",", actor.DepartmentIds.Order());
        while (true)
        {
            var generation = feed.Generation;
            var now = clock.GetUtcNow().UtcDateTime;
            if (_shared.TryGetValue(key, out var current) && current.Generation == generation && now - current.At < SharedFor
                && !current.View.IsFaulted && !current.View.IsCanceled)
                return await current.View.WaitAsync(ct);
            // Not the caller's token: the read is shared, and one board closing must not cancel it for the others.
            var read = new Task<Task<BoardView>>(() => GetAsync(actor, CancellationToken.None));
            var fresh = new SharedBoard(generation, now, read.Unwrap());
            if (current is null ? _shared.TryAdd(key, fresh) : _shared.TryUpdate(key, fresh, current))
            {
                read.Start(TaskScheduler.Default);
                return await fresh.View.WaitAsync(ct);
            }

            // Someone else started a read at the same moment: use theirs.
        }
    }

    public static readonly TimeSpan AtRiskWithin = TimeSpan.FromHours(1);
    /// <summary>How many tickets the board lists (the most urgent first); the counts cover all.</summary>
    public int ListLimit { get; init; } = 500;

    public async Task<BoardView> GetAsync(Actor actor, CancellationToken ct = default)
    {
        if (!actor.IsStaff)
            throw new DeskForbiddenException("The breach board is for agents, supervisors and admins.");
        var now = clock.GetUtcNow().UtcDateTime;
        var soon = now + AtRiskWithin;
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var departments = actor.IsAdmin
            ? await db.Departments.Select(d => d.Id).ToListAsync(ct)
            : actor.DepartmentIds.ToList();
        var urgent = db.TicketSlaStates.AsNoTracking()
            .Where(s => (s.State == SlaState.Breached || s.State == SlaState.Warning || (s.State == SlaState.Running && s.DueAt <= soon)) && s.DueAt != null)
            .Join(db.Tickets.Where(t => departments.Contains(t.DepartmentId) && t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed),
                s => s.TicketId, t => t.Id, (s, t) => new { State = s, Ticket = t });
        var rows = await urgent
            .Select(x => new
            {
                x.Ticket.Id, x.Ticket.Key, x.Ticket.Title, x.Ticket.DepartmentId, Department = x.Ticket.Department!.Name,
                Team = x.Ticket.Team != null ? x.Ticket.Team.Name : null, x.Ticket.AssigneeId,
                Assignee = x.Ticket.Assignee != null ? x.Ticket.Assignee.DisplayName : null, x.Ticket.Priority, x.Ticket.EscalationLevel,
                x.State.Metric, x.State.State, DueAt = x.State.DueAt!.Value,
            })
            .OrderBy(x => x.DueAt).Take(ListLimit * 3).ToListAsync(ct);

        // One line per ticket: its most urgent target.
        var tickets = rows.GroupBy(r => r.Id).Select(g => g.OrderBy(r => r.DueAt).First())
            .Select(r => new BoardTicket(r.Id, r.Key, r.Title, r.DepartmentId, r.Department, r.Team, r.AssigneeId, r.Assignee, r.Priority,
                r.EscalationLevel, r.Metric, r.DueAt, r.State == SlaState.Breached || r.DueAt < now))
            .OrderByDescending(t => t.Breached).ThenBy(t => t.DueAt).Take(ListLimit).ToList();

        // The counts cover every urgent ticket, not only the listed ones: each ticket once, breached if any target is,
        // counted in the database by department, team and assignee, then rolled up here.
        var cells = await urgent
            .GroupBy(x => new { x.Ticket.Id, x.Ticket.DepartmentId, x.Ticket.TeamId, x.Ticket.AssigneeId })
            .Select(g => new
            {
                g.Key.DepartmentId, g.Key.TeamId, g.Key.AssigneeId,
                Breached = g.Max(x => x.State.State == SlaState.Breached || x.State.DueAt < now ? 1 : 0),
            })
            .GroupBy(x => new { x.DepartmentId, x.TeamId, x.AssigneeId })
            .Select(g => new { g.Key.DepartmentId, g.Key.TeamId, g.Key.AssigneeId, Breached = g.Sum(x => x.Breached), All = g.Count() })
            .ToListAsync(ct);
        var teamIds = cells.Where(c => c.TeamId != null).Select(c => c.TeamId!.Value).Distinct().ToList();
        var assigneeIds = cells.Where(c => c.AssigneeId != null).Select(c => c.AssigneeId!).Distinct().ToList();
        var departmentNames = await db.Departments.Where(d => departments.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var teamNames = await db.Teams.Where(t => teamIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var assigneeNames = await db.Users.Where(u => assigneeIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        List<BoardCount> Count(Func<int, int?, string?, string> name) =>
            cells.GroupBy(c => name(c.DepartmentId, c.TeamId, c.AssigneeId))
                .Select(g => new BoardCount(g.Key, g.Sum(c => c.All - c.Breached), g.Sum(c => c.Breached)))
                .OrderByDescending(c => c.Breached).ThenByDescending(c => c.AtRisk).ThenBy(c => c.Name).ToList();
        var byAssignee = cells.Where(c => c.AssigneeId != null).GroupBy(c => c.AssigneeId!)
            .ToDictionary(g => g.Key, g => (AtRisk: g.Sum(c => c.All - c.Breached), Breached: g.Sum(c => c.Breached)));

        var agents = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && (u.Roles & (DeskRole.Agent | DeskRole.Supervisor)) != 0 && u.Departments.Any(d => departments.Contains(d.DepartmentId)))
            .Select(u => new { u.Id, u.DisplayName, u.IsAway, Teams = u.Teams.Select(t => t.Team!.Name).ToList() })
            .ToListAsync(ct);
        var ids = agents.Select(a => a.Id).ToList();
        var open = await db.Tickets.Where(t => t.AssigneeId != null && ids.Contains(t.AssigneeId) && departments.Contains(t.DepartmentId)
                && t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed)
            .GroupBy(t => t.AssigneeId!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var workload = agents.Select(a => new AgentLoad(a.Id, a.DisplayName, string.Join(", ", a.Teams.Order()), a.IsAway, open.GetValueOrDefault(a.Id),
                byAssignee.GetValueOrDefault(a.Id).AtRisk, byAssignee.GetValueOrDefault(a.Id).Breached))
            .OrderByDescending(a => a.Breached).ThenByDescending(a => a.AtRisk).ThenByDescending(a => a.Open).ThenBy(a => a.Name).ToList();
        return new BoardView(now, tickets,
            Count((d, _, _) => departmentNames.GetValueOrDefault(d, "?")),
            Count((_, t, _) => t is { } team ? teamNames.GetValueOrDefault(team, "?") : "No team"),
            Count((_, _, a) => a is null ? "Unassigned" : assigneeNames.GetValueOrDefault(a, "?")))
        {
            Workload = workload,
        };
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Routing;

/// <summary>Auto-assignment inside a team: the next member in turn, or the one with the fewest open tickets; away members are skipped.</summary>
public static class TeamAssignment
{
    /// <summary>The member to give a ticket of this team to, or null (manual team, nobody available).</summary>
    public static async Task<string?> PickAsync(DeskDbContext db, int teamId, CancellationToken ct)
    {
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Id == teamId, ct);
        if (team is null || team.AssignmentMode == AssignmentMode.Manual)
            return null;
        var members = await db.TeamMembers.Where(m => m.TeamId == teamId && m.User!.IsActive && !m.User.IsAway
                && (m.User.Roles & (DeskRole.Agent | DeskRole.Supervisor)) != 0
                && m.User.Departments.Any(d => d.DepartmentId == team.DepartmentId))
            .Select(m => new { m.UserId, m.User!.DisplayName }).OrderBy(m => m.UserId).ToListAsync(ct);
        if (members.Count == 0)
            return null;
        string pick;
        if (team.AssignmentMode == AssignmentMode.RoundRobin)
        {
            var after = members.FindIndex(m => string.CompareOrdinal(m.UserId, team.LastAssignedUserId) > 0);
            pick = members[after < 0 ? 0 : after].UserId;
        }
        else
        {
            var ids = members.Select(m => m.UserId).ToList();
            var open = await db.Tickets.Where(t => t.AssigneeId != null && ids.Contains(t.AssigneeId)
                    && t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed)
                .GroupBy(t => t.AssigneeId!).Select(g => new { Id = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Id, g => g.Count, ct);
            pick = members.OrderBy(m => open.GetValueOrDefault(m.UserId)).ThenBy(m => m.DisplayName).First().UserId;
        }

        team.LastAssignedUserId = pick;
        return pick;
    }

    /// <summary>Gives an unassigned ticket (or one whose assignee is not in its team) to a member of its team, writing history.</summary>
    public static async Task AssignWithinTeamAsync(DeskDbContext db, Ticket ticket, DateTime now, string? ruleName, CancellationToken ct)
    {
        if (ticket.TeamId is not { } teamId)
            return;
        if (ticket.AssigneeId is { } current && await db.TeamMembers.AnyAsync(m => m.TeamId == teamId && m.UserId == current, ct))
            return;
        if (await PickAsync(db, teamId, ct) is not { } pick)
            return;
        var names = await db.Users.Where(u => u.Id == pick || u.Id == ticket.AssigneeId).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        db.TicketEvents.Add(new TicketEvent
        {
            TicketId = ticket.Id, At = now, Kind = TicketEventKind.AssigneeChanged, Subject = "Assignee", IsPublic = true,
            OldValue = ticket.AssigneeId is null ? null : names.GetValueOrDefault(ticket.AssigneeId), NewValue = names[pick],
            Body = ruleName is null ? "assigned within the team" : $"assigned within the team by rule {ruleName}",
        });
        ticket.AssigneeId = pick;
    }
}

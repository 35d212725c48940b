using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Notifications;

/// <summary>Who the notify part of an escalation level or an automation rule names, for one ticket.</summary>
public static class NotifyRecipients
{
    /// <summary>The people a level's (or a rule's) notify actions name, resolved for this ticket.</summary>
    public static async Task<List<string>> OfAsync(DeskDbContext db, Ticket ticket, EscalationActions a, CancellationToken ct)
    {
        var list = new List<string>(a.NotifyUsers);
        if (a.NotifyAssignee && ticket.AssigneeId is { } assignee)
            list.Add(assignee);
        if (a.NotifyTeam && ticket.TeamId is { } team)
            list.AddRange(await db.TeamMembers.Where(m => m.TeamId == team).Select(m => m.UserId).ToListAsync(ct));
        if (a.NotifyManager && ticket.AssigneeId is { } who
            && await db.Users.Where(u => u.Id == who).Select(u => u.ManagerId).FirstOrDefaultAsync(ct) is { } manager)
            list.Add(manager);
        if (a.NotifyDepartmentHead && await db.Departments.Where(d => d.Id == ticket.DepartmentId).Select(d => d.HeadUserId).FirstOrDefaultAsync(ct) is { } head)
            list.Add(head);
        if (a.NotifyWatchers)
            list.AddRange(await db.TicketWatchers.Where(w => w.TicketId == ticket.Id
                    && db.Users.Any(u => u.Id == w.UserId && u.IsActive && u.Departments.Any(d => d.DepartmentId == ticket.DepartmentId)))
                .Select(w => w.UserId).ToListAsync(ct));
        if (a.NotifyRole is { } role && role != DeskRole.Requester)
            list.AddRange(await db.Users.Where(u => u.IsActive && (u.Roles & role) != 0 && u.Departments.Any(d => d.DepartmentId == ticket.DepartmentId))
                .Select(u => u.Id).ToListAsync(ct));
        return list.Distinct().ToList();
    }
}

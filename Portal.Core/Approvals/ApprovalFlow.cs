using Microsoft.EntityFrameworkCore;
using Portal.Core.Handling;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Approvals;

/// <summary>The steps of a request's approval in motion: starting a step (who is asked), and who may still decide it.</summary>
internal static class ApprovalFlow
{
    /// <summary>Starts a step: its approvers are found now, recorded, told, and the request's history says who was asked.</summary>
    public static async Task StartAsync(TicketChange change, TicketApproval approval, NotificationService notifications, CancellationToken ct)
    {
        var db = change.Db;
        var ticket = change.Ticket;
        var people = await ApproversAsync(db, approval, ticket, ct);
        approval.State = ApprovalState.Pending;
        approval.StartedAt = change.Now;
        foreach (var userId in people)
            approval.Approvers.Add(new TicketApprover { UserId = userId });
        var names = await db.Users.Where(u => people.Contains(u.Id)).OrderBy(u => u.DisplayName).Select(u => u.DisplayName).ToListAsync(ct);
        change.Record(new TicketEvent
        {
            TicketId = ticket.Id, At = change.Now, Kind = TicketEventKind.ApprovalRequested, IsPublic = true, Subject = approval.Name,
            NewValue = names.Count == 0 ? "nobody" : string.Join(", ", names),
        });
        await notifications.AddAsync(db, people, change.ActorId, ticket, $"approval:{approval.TicketId}:{approval.Order}", NotificationEvent.Approval,
            $"Your approval is asked: {approval.Name}", change.Now, ct);
    }

    /// <summary>
    /// Who may decide the step now: its kind of approver resolved against today's records (a person who left the team,
    /// lost the role or was deactivated no longer qualifies), never the requester, never a service account. When nobody
    /// qualifies (a requester without a manager), the request's department head decides, else its supervisors.
    /// </summary>
    public static async Task<List<string>> ApproversAsync(DeskDbContext db, TicketApproval a, Ticket ticket, CancellationToken ct)
    {
        var found = await ResolveAsync(db, a.Approver, a, a.DepartmentId ?? ticket.DepartmentId, ticket, ct);
        if (found.Count == 0)
            found = await ResolveAsync(db, ApproverKind.DepartmentHead, a, ticket.DepartmentId, ticket, ct);
        if (found.Count == 0)
            found = await ResolveAsync(db, ApproverKind.DepartmentSupervisors, a, ticket.DepartmentId, ticket, ct);
        return found;
    }

    private static async Task<List<string>> ResolveAsync(DeskDbContext db, ApproverKind kind, TicketApproval a, int departmentId, Ticket ticket,
        CancellationToken ct)
    {
        var users = db.Users.Where(u => u.IsActive && !u.IsServiceAccount && u.Id != ticket.RequesterId);
        var requester = db.Users.Where(u => u.Id == ticket.RequesterId);
        IQueryable<string> ids = kind switch
        {
            ApproverKind.RequesterManager => requester.Select(u => u.ManagerId!),
            ApproverKind.ManagersManager => requester.Select(u => u.Manager!.ManagerId!),
            ApproverKind.DepartmentHead => db.Departments.Where(d => d.Id == ticket.DepartmentId).Select(d => d.HeadUserId!),
            ApproverKind.Person => db.Users.Where(u => u.Id == a.PersonId).Select(u => u.Id),
            ApproverKind.Team => db.TeamMembers.Where(m => m.TeamId == a.TeamId).Select(m => m.UserId),
            _ => db.DepartmentMembers.Where(m => m.DepartmentId == departmentId
                && (m.User!.Roles & DeskRole.Supervisor) == DeskRole.Supervisor).Select(m => m.UserId),
        };
        return await users.Where(u => ids.Contains(u.Id)).OrderBy(u => u.Id).Select(u => u.Id).ToListAsync(ct);
    }
}

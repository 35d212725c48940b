using Microsoft.EntityFrameworkCore;
using Portal.Core.Handling;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Approvals;

/// <summary>The steps of a request's approval in motion: starting a step (who is asked, by when), and who may still decide it.</summary>
internal static class ApprovalFlow
{
    /// <summary>
    /// Starts a step: its approvers are found now, recorded, told, and the request's history says who was asked. A step
    /// with a reminder or a time limit gets their instants in working hours on the request's SLA calendar.
    /// </summary>
    public static async Task StartAsync(TicketChange change, TicketApproval approval, NotificationService notifications, SlaService sla, CancellationToken ct)
    {
        var db = change.Db;
        var ticket = change.Ticket;
        var people = await ApproversAsync(db, approval, ticket, ct);
        approval.State = ApprovalState.Pending;
        approval.StartedAt = change.Now;
        if (approval.RemindAfterHours is not null || approval.TimeLimitHours is not null)
        {
            var calendar = await CalendarAsync(change, sla, ct);
            approval.RemindAt = After(calendar, change.Now, approval.RemindAfterHours);
            approval.DueAt = After(calendar, change.Now, approval.TimeLimitHours);
        }

        foreach (var userId in people)
            approval.Approvers.Add(new TicketApprover { UserId = userId });
        var names = await NamesAsync(db, people, ct);
        change.Record(new TicketEvent
        {
            TicketId = ticket.Id, At = change.Now, Kind = TicketEventKind.ApprovalRequested, IsPublic = true, Subject = approval.Name,
            NewValue = names.Length == 0 ? "nobody" : names,
        });
        await notifications.AddAsync(db, people, change.ActorId, ticket, ApprovalEvents.Asked(approval.TicketId, approval.Order), NotificationEvent.Approval,
            $"Your approval is asked: {approval.Name}", change.Now, ct);
    }

    public static async Task<string> NamesAsync(DeskDbContext db, IReadOnlyCollection<string> people, CancellationToken ct) =>
        string.Join(", ", await db.Users.Where(u => people.Contains(u.Id)).OrderBy(u => u.DisplayName).Select(u => u.DisplayName).ToListAsync(ct));

    private static DateTime? After(WorkingTimeline calendar, DateTime from, int? hours) =>
        hours is { } h
            ? DateTime.UnixEpoch.AddTicks(calendar.AddWorking((DateTime.SpecifyKind(from, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks, TimeSpan.FromHours(h).Ticks))
            : null;

    /// <summary>The calendar of the request's SLA policy (the one it runs under, else the one that matches it), else round the clock.</summary>
    private static async Task<WorkingTimeline> CalendarAsync(TicketChange change, SlaService sla, CancellationToken ct)
    {
        var ticket = change.Ticket;
        var policies = await sla.PoliciesAsync(ct);
        var policy = policies.FirstOrDefault(p => p.Id == ticket.SlaPolicyId);
        if (policy is null)
        {
            var tags = change.RequesterTags ?? await change.Db.Users.Where(u => u.Id == ticket.RequesterId).Select(u => u.Tags).FirstOrDefaultAsync(ct) ?? "";
            policy = SlaConfiguration.Match(policies, new TicketFacts(ticket.DepartmentId, ticket.CategoryId, ticket.TypeId, ticket.Priority,
                tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), ticket.FieldValues.ToDictionary(v => v.FieldId, v => v.Value)));
        }

        return policy?.Calendar ?? new WorkingTimeline(BusinessCalendar.Utc24x7);
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

    /// <summary>
    /// Everyone who may decide now: the step's approvers as <see cref="ApproversAsync"/> finds them, and those asked in an
    /// approver's place when the time limit passed, while they are active (and not the requester).
    /// </summary>
    public static async Task<HashSet<string>> EligibleAsync(DeskDbContext db, TicketApproval a, Ticket ticket, CancellationToken ct)
    {
        var eligible = (await ApproversAsync(db, a, ticket, ct)).ToHashSet();
        var standIns = a.Approvers.Where(p => p.StandsInForId is not null).Select(p => p.UserId).ToList();
        if (standIns.Count > 0)
            eligible.UnionWith(await db.Users.Where(u => standIns.Contains(u.Id) && u.IsActive && !u.IsServiceAccount && u.Id != ticket.RequesterId)
                .Select(u => u.Id).ToListAsync(ct));
        return eligible;
    }

    /// <summary>
    /// A step's count: its places (an approver, with whoever stands in for them) held by someone still eligible, and how
    /// many of those said yes and no (a place's first decision counts).
    /// </summary>
    public static (int Places, int Yes, int No) Tally(TicketApproval a, IReadOnlySet<string> eligible)
    {
        var places = a.Approvers.Where(p => eligible.Contains(p.UserId)).GroupBy(p => p.Place)
            .Select(g => g.Where(p => p.Approved is not null).OrderBy(p => p.DecidedAt).Select(p => p.Approved).FirstOrDefault()).ToList();
        return (places.Count, places.Count(d => d == true), places.Count(d => d == false));
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

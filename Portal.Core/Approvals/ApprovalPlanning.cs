using Microsoft.EntityFrameworkCore;
using Portal.Core.Handling;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Approvals;

/// <summary>
/// Plans a new request's approval as it is filed (any way in: pages, email, API, the catalog): the steps of its
/// category and catalog item whose conditions hold become its approval, in order; the request waits in
/// <see cref="TicketStatus.AwaitingApproval"/> (every SLA clock paused) and the first step's approvers are asked.
/// </summary>
internal sealed class ApprovalPlanning(NotificationService notifications, Sla.SlaService sla, ApprovalStepCache cache) : ITicketHook
{
    public async Task AfterChangeAsync(TicketChange change, CancellationToken ct)
    {
        var ticket = change.Ticket;
        // A catalog request's tasks are held by their request's approval, not approved themselves.
        if (change.Kind != TicketChangeKind.Created || ticket.ParentId is not null)
            return;
        var db = change.Db;
        var steps = await cache.ForAsync(ticket.CategoryId, ticket.CatalogItemId, ct);
        if (steps.Count == 0)
            return;

        var fields = ticket.FieldValues.ToDictionary(v => v.FieldId, v => v.Value);
        var tags = change.RequesterTags ?? await db.Users.Where(u => u.Id == ticket.RequesterId).Select(u => u.Tags).FirstOrDefaultAsync(ct) ?? "";
        var planned = steps.Where(s => ApprovalRules.Applies(ApprovalCondition.Parse(s.Condition), ticket.Priority, fields, tags)).ToList();
        if (planned.Count == 0)
            return;

        for (var i = 0; i < planned.Count; i++)
        {
            var s = planned[i];
            db.TicketApprovals.Add(new TicketApproval
            {
                TicketId = ticket.Id, StepId = s.Id, Order = i + 1, Name = s.Name, Approver = s.Approver, PersonId = s.PersonId, TeamId = s.TeamId,
                DepartmentId = s.DepartmentId, Quorum = s.Quorum, QuorumCount = s.QuorumCount, State = ApprovalState.Queued,
                RemindAfterHours = s.RemindAfterHours, TimeLimitHours = s.TimeLimitHours, OnTimeout = s.OnTimeout, LinkWithoutSignIn = s.LinkWithoutSignIn,
            });
        }

        var from = ticket.Status;
        ticket.Status = TicketStatus.AwaitingApproval;
        change.Record(TicketEvent.StatusChange(ticket.Id, change.Now, from, TicketStatus.AwaitingApproval,
            note: planned.Count == 1 ? $"Needs approval: {planned[0].Name}." : $"Needs {planned.Count} approvals, in order: {string.Join(", ", planned.Select(p => p.Name))}."));
        var first = db.ChangeTracker.Entries<TicketApproval>().Select(e => e.Entity).Where(a => a.TicketId == ticket.Id).MinBy(a => a.Order)!;
        await ApprovalFlow.StartAsync(change, first, notifications, sla, ct);
    }
}

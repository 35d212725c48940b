using Microsoft.EntityFrameworkCore;
using Portal.Core.Handling;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Tickets;

namespace Portal.Core.Approvals;

/// <summary>What one run of the approval timers did.</summary>
public sealed record ApprovalTimerRun(int Reminded, int TimedOut);

/// <summary>
/// The reminders and time limits of pending steps, run every minute: a step whose reminder is due reminds those who
/// have not decided; a step whose time limit passed asks each undecided approver's manager in their place, or is approved
/// or rejected automatically, as its admin chose. Each is a change of its request through the pipeline (history, audit,
/// SLA, webhooks), once: the step's version makes a second node's attempt at the same moment fail, and a run after
/// downtime catches up on what fell due meanwhile (a reminder whose time limit also passed gives way to the limit).
/// </summary>
public sealed class ApprovalTimers(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketPipeline pipeline,
    NotificationService notifications, ApprovalService approvals)
{
    public const int Batch = 200;

    public async Task<ApprovalTimerRun> RunAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<int> reminders, timeouts;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            timeouts = await db.TicketApprovals.Where(a => a.State == ApprovalState.Pending && a.DueAt <= now && a.TimedOutAt == null)
                .OrderBy(a => a.DueAt).Select(a => a.Id).Take(Batch).ToListAsync(ct);
            reminders = await db.TicketApprovals.Where(a => a.State == ApprovalState.Pending && a.RemindAt <= now && a.RemindedAt == null
                    && (a.DueAt == null || a.DueAt > now))
                .OrderBy(a => a.RemindAt).Select(a => a.Id).Take(Batch).ToListAsync(ct);
        }

        var (reminded, timedOut) = (0, 0);
        foreach (var id in reminders)
            reminded += await OnceAsync(id, now, RemindAsync, ct) ? 1 : 0;
        foreach (var id in timeouts)
            timedOut += await OnceAsync(id, now, TimeOutAsync, ct) ? 1 : 0;
        return new ApprovalTimerRun(reminded, timedOut);
    }

    private async Task<bool> OnceAsync(int approvalId, DateTime now, Func<TicketChange, TicketApproval, HashSet<string>, CancellationToken, Task<bool>> act,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var approval = await db.TicketApprovals.Include(a => a.Approvers).FirstAsync(a => a.Id == approvalId, ct);
        if (approval.State != ApprovalState.Pending)
            return false;
        var ticket = await db.Tickets.FirstAsync(t => t.Id == approval.TicketId, ct);
        var change = pipeline.Begin(db, ticket, null, TicketChangeKind.Updated, now);
        var eligible = await ApprovalFlow.EligibleAsync(db, approval, ticket, ct);
        if (!await act(change, approval, eligible, ct))
            return false;
        approval.Version++;
        try
        {
            await pipeline.CommitAsync(change, tx, ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another node reminded or decided the same step at this moment: theirs counts.
            return false;
        }
    }

    /// <summary>Those who may decide and have not (nor anyone in their place).</summary>
    private static List<string> Undecided(TicketApproval a, IReadOnlySet<string> eligible)
    {
        var decided = a.Approvers.Where(p => p.Approved is not null).Select(p => p.Place).ToHashSet();
        return a.Approvers.Where(p => eligible.Contains(p.UserId) && !decided.Contains(p.Place)).Select(p => p.UserId).ToList();
    }

    private async Task<bool> RemindAsync(TicketChange change, TicketApproval approval, HashSet<string> eligible, CancellationToken ct)
    {
        approval.RemindedAt = change.Now;
        var people = Undecided(approval, eligible);
        change.Record(new TicketEvent
        {
            TicketId = approval.TicketId, At = change.Now, Kind = TicketEventKind.ApprovalReminded, IsPublic = false, Subject = approval.Name,
            NewValue = people.Count == 0 ? "nobody" : await ApprovalFlow.NamesAsync(change.Db, people, ct),
            Body = $"No decision after {approval.RemindAfterHours} working hours.",
        });
        await notifications.AddAsync(change.Db, people, null, change.Ticket, ApprovalEvents.Reminder(approval.TicketId, approval.Order), NotificationEvent.Approval,
            $"Reminder: your approval is asked: {approval.Name}", change.Now, ct);
        return true;
    }

    private async Task<bool> TimeOutAsync(TicketChange change, TicketApproval approval, HashSet<string> eligible, CancellationToken ct)
    {
        approval.TimedOutAt = change.Now;
        var why = $"No decision within {approval.TimeLimitHours} working hours.";
        if (approval.OnTimeout is ApprovalTimeout.Approve or ApprovalTimeout.Reject)
        {
            var state = approval.OnTimeout == ApprovalTimeout.Approve ? ApprovalState.Approved : ApprovalState.Rejected;
            approval.DecidedAutomatically = true;
            change.Record(new TicketEvent
            {
                TicketId = approval.TicketId, At = change.Now, Kind = TicketEventKind.ApprovalDecided, IsPublic = true, Subject = approval.Name,
                NewValue = state == ApprovalState.Approved ? "Approved automatically" : "Rejected automatically", Body = why,
            });
            await approvals.SettleAsync(change, approval, state, why, ct);
            return true;
        }

        // Each approver who has not decided: their manager is asked too, in their place (the department's head, else its
        // supervisors, when nobody else can be).
        var db = change.Db;
        var waiting = Undecided(approval, eligible).Where(id => approval.Approvers.Any(p => p.UserId == id && p.StandsInForId == null)).ToList();
        var managers = await db.Users.Where(u => waiting.Contains(u.Id) && u.ManagerId != null)
            .Select(u => new { u.Id, u.ManagerId, Active = u.Manager!.IsActive && !u.Manager.IsServiceAccount }).ToListAsync(ct);
        var added = new List<string>();
        foreach (var place in waiting)
        {
            var manager = managers.FirstOrDefault(m => m.Id == place && m.Active)?.ManagerId;
            if (manager is null || manager == change.Ticket.RequesterId || approval.Approvers.Any(p => p.UserId == manager))
                continue;
            approval.Approvers.Add(new TicketApprover { UserId = manager, StandsInForId = place });
            added.Add(manager);
        }

        if (added.Count == 0 && waiting.Count > 0)
        {
            var fallback = await ApprovalFlow.ApproversAsync(db, new TicketApproval { Approver = ApproverKind.DepartmentHead }, change.Ticket, ct);
            foreach (var (person, place) in fallback.Where(f => approval.Approvers.All(p => p.UserId != f)).Zip(waiting))
            {
                approval.Approvers.Add(new TicketApprover { UserId = person, StandsInForId = place });
                added.Add(person);
            }
        }

        change.Record(new TicketEvent
        {
            TicketId = approval.TicketId, At = change.Now, Kind = TicketEventKind.ApprovalRequested, IsPublic = true,
            Subject = $"{approval.Name} (time limit passed)", NewValue = added.Count == 0 ? "nobody more" : await ApprovalFlow.NamesAsync(db, added, ct),
            Body = why,
        });
        await notifications.AddAsync(db, added, null, change.Ticket, ApprovalEvents.StandIn(approval.TicketId, approval.Order), NotificationEvent.Approval,
            $"Your approval is asked (in place of someone who has not decided): {approval.Name}", change.Now, ct);
        return true;
    }
}

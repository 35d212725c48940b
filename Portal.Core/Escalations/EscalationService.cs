using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Core.Escalations;

/// <summary>What one sweep did.</summary>
public sealed record SweepResult(int Tickets, int Fired, int Late);

/// <summary>
/// Fires escalation levels that are due, exactly once each: a level's claim (a unique firing row) and its actions
/// are one transaction, so a second sweeper, a retry or a crash after the claim cannot fire it twice, and a crash
/// before it loses nothing. Tickets are found through the indexed next-escalation column, so a sweep after
/// downtime catches up on everything missed, in order, marked late with its original due instant.
/// </summary>
public sealed class EscalationService(IDbContextFactory<DeskDbContext> dbFactory, SlaService sla, TimeProvider clock, TicketPipeline pipeline,
    NotificationService notifications, Microsoft.Extensions.Options.IOptions<Operations.SweepOptions> options,
    ILogger<EscalationService>? log = null)
{
    /// <summary>Tickets fired in one transaction: small enough that an agent's save never waits long behind a sweep.</summary>
    public const int BatchSize = 500;

    /// <summary>How often the sweep runs; a level fired later than this (plus a second) after its due instant is marked late.</summary>
    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(options.Value.SweepSeconds);

    /// <summary>Sweeps until no due ticket is left (or <paramref name="maxBatches"/> batches are done).</summary>
    public async Task<SweepResult> SweepAsync(int maxBatches = int.MaxValue, CancellationToken ct = default)
    {
        int tickets = 0, fired = 0, late = 0;
        for (var batch = 0; batch < maxBatches; batch++)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            List<int> ids;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                ids = await db.Tickets.AsNoTracking().Where(t => t.NextEscalationAt != null && t.NextEscalationAt <= now)
                    .OrderBy(t => t.NextEscalationAt).ThenBy(t => t.Id).Select(t => t.Id).Take(BatchSize).ToListAsync(ct);
            }

            if (ids.Count == 0)
                break;
            var (f, l, moved) = await FireBatchAsync(ids, ct);
            if (moved is null)
            {
                // Another sweeper claimed a level of this batch first: go ticket by ticket, each in its own transaction.
                // Nothing fires twice, but two sweepers should not be running: the lease is meant to prevent it.
                log?.LogWarning("Another sweeper claimed a level of a batch of {Count} tickets first; firing them one by one", ids.Count);
                moved = false;
                foreach (var id in ids)
                {
                    var (one, oneLate, oneMoved) = await FireDueAsync(id, ct);
                    f += one;
                    l += oneLate;
                    moved |= oneMoved;
                }
            }

            tickets += ids.Count;
            fired += f;
            late += l;
            if (moved != true || ids.Count < BatchSize)
                break;
        }

        return new SweepResult(tickets, fired, late);
    }

    /// <summary>
    /// Fires the due levels of a batch of tickets in one transaction, reading each ticket's data once, and hands what it
    /// did to the ticket change pipeline (rules, notifications, SLA, one save, commit, publish). Returns null for "moved"
    /// when a claim collided with another sweeper's (nothing of the batch is kept then).
    /// </summary>
    private async Task<(int Fired, int Late, bool? Moved)> FireBatchAsync(List<int> ids, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.Acting = Persistence.AuditActing.Sweep;

        // Thousands of tracked rows: look for changes once, at the save, not at every query.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var tickets = await db.Tickets.Where(t => ids.Contains(t.Id)).ToListAsync(ct);
        var data = await sla.PrefetchAsync(db, tickets, ct);
        var policies = await sla.PoliciesAsync(ct);
        var paths = await sla.PathsAsync(ct);
        var nowDate = clock.GetUtcNow().UtcDateTime;
        var now = Ticks(nowDate);
        int fired = 0, late = 0;
        var moved = false;
        var changes = new List<TicketChange>();
        foreach (var ticket in tickets)
        {
            var d = data[ticket.Id];
            var before = ticket.NextEscalationAt;
            var evaluation = sla.Apply(db, d, policies, paths);
            TicketChange? change = null;
            while (evaluation is not null && evaluation.Levels.FirstOrDefault(x => x.IsDue(now)) is { } due)
            {
                change ??= pipeline.Begin(db, ticket, actorId: null, TicketChangeKind.Escalated, nowDate);
                var dueDate = DateTime.UnixEpoch.AddTicks(due.DueAt);
                var isLate = nowDate - dueDate > Interval + TimeSpan.FromSeconds(1);
                db.EscalationFirings.Add(new EscalationFiring
                {
                    TicketId = ticket.Id, LevelId = due.Level.Id, Cycle = due.Cycle, DueAt = dueDate, FiredAt = nowDate, Late = isLate,
                });
                d.Fired.Add((due.Level.Id, due.Cycle));
                var priorityBefore = ticket.Priority;
                await ApplyActionsAsync(change, due, isLate, dueDate, ct);
                if (ticket.Priority != priorityBefore)
                    d.History.Add(new SlaService.HistoryItem(TicketEventKind.PriorityChanged, nowDate, false, true, null, priorityBefore, ticket.Priority));
                ticket.EscalationLevel = Math.Max(ticket.EscalationLevel, due.Level.Level);
                fired++;
                late += isLate ? 1 : 0;
                evaluation = sla.Apply(db, d, policies, paths);
            }

            if (change is not null)
            {
                change.SlaInHand = true;
                changes.Add(change);
            }

            moved |= change is not null || ticket.NextEscalationAt != before;
        }

        try
        {
            await pipeline.CommitBatchAsync(db, changes, tx, ct);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            await tx.RollbackAsync(ct);
            return (0, 0, null);
        }

        return (fired, late, moved);
    }

    /// <summary>Fires the levels of one ticket that are due now; returns how many fired, how many late, and whether its next instant moved.</summary>
    public async Task<(int Fired, int Late, bool Moved)> FireDueAsync(int ticketId, CancellationToken ct = default)
    {
        var (fired, late, moved) = await FireBatchAsync([ticketId], ct);
        // Another sweeper claimed one of these levels first: nothing of this attempt stays, and the ticket has moved on.
        return moved is null ? (0, 0, true) : (fired, late, moved.Value);
    }

    /// <summary>Carries out one level's actions on the change's ticket, recording each on the change; who is told waits until the rules ran.</summary>
    private async Task ApplyActionsAsync(TicketChange change, PlannedLevel due, bool late, DateTime dueAt, CancellationToken ct)
    {
        var (db, ticket, now) = (change.Db, change.Ticket, change.Now);
        var a = due.Level.Actions;
        const string note = "by escalation";
        var changed = false;
        if (a.AssignTeamId is { } teamId)
            changed |= await SystemChanges.SetTeamAsync(db, ticket, teamId, now, note, ct, change.Record);
        if (a.AssignUserId is { } userId)
            changed |= await SystemChanges.SetAssigneeAsync(db, ticket, userId, now, note, ct, change.Record);
        if (a.AssignTeamId is not null && a.AssignUserId is null && ticket.TeamId == a.AssignTeamId)
        {
            var before = ticket.AssigneeId;
            await Routing.TeamAssignment.AssignWithinTeamAsync(db, ticket, now, null, ct);
            changed |= ticket.AssigneeId != before;
        }

        var priority = a.SetPriority ?? (a.RaisePriority && ticket.Priority < TicketPriority.Critical ? ticket.Priority + 1 : ticket.Priority);
        changed |= SystemChanges.SetPriority(db, ticket, priority, now, note, change.Record);
        await SystemChanges.AddWatchersAsync(db, ticket, a.AddWatchers, now, note, ct, change.Record);

        var what = $"Level {due.Level.Level} of \"{due.Path.Name}\": {due.Level.Describe()}";
        change.Record(new TicketEvent
        {
            TicketId = ticket.Id, At = now, Kind = TicketEventKind.Escalated, Subject = due.Path.Name, NewValue = $"Level {due.Level.Level}",
            Body = what + (late ? $" (late: it was due {dueAt:yyyy-MM-dd HH:mm:ss} UTC)" : ""), IsPublic = false,
        });

        var kind = due.Level.Trigger is EscalationTrigger.AtBreach or EscalationTrigger.AfterBreach ? NotificationEvent.Breach : NotificationEvent.Warning;
        var key = $"escalation:{ticket.Id}:{due.Level.Id}:{due.Cycle}";
        // For webhook subscriptions: every level is an escalation; a level before the breach is a warning, one at it a breach.
        var extra = new System.Text.Json.Nodes.JsonObject
        {
            ["path"] = due.Path.Name, ["level"] = due.Level.Level, ["metric"] = due.Level.Metric.ToString(), ["trigger"] = due.Level.Trigger.ToString(),
            ["dueAt"] = DateTime.SpecifyKind(dueAt, DateTimeKind.Utc), ["late"] = late, ["description"] = due.Level.Describe(),
        };
        change.WebhookEvents.Add((Notifications.WebhookEvents.EscalationFired, key, extra));
        if (due.Level.Trigger is EscalationTrigger.Fraction or EscalationTrigger.BeforeDue)
            change.WebhookEvents.Add((Notifications.WebhookEvents.SlaWarning, key, extra));
        else if (due.Level.Trigger == EscalationTrigger.AtBreach)
            change.WebhookEvents.Add((Notifications.WebhookEvents.SlaBreached, key, extra));
        change.Notify(async c =>
        {
            var recipients = await NotifyRecipients.OfAsync(db, ticket, a, c);
            await notifications.AddAsync(db, recipients, causedBy: null, ticket, key, kind,
                $"{(kind == NotificationEvent.Breach ? "Breached" : "Warning")}: {what}", now, c);
        });
        if (changed)
            ticket.Version++;
        ticket.UpdatedAt = now;
    }

    private static long Ticks(DateTime utc) => (DateTime.SpecifyKind(utc, DateTimeKind.Utc) - DateTime.UnixEpoch).Ticks;
}

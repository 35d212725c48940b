using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Handling;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Approvals;

/// <summary>One approver's part of a step, as a request page shows it.</summary>
public sealed record ApproverView(string UserId, string Name, bool? Approved, DateTime? DecidedAt, string? Reason, string? StandsInFor = null,
    bool ByLink = false);

/// <summary>A step of a request's approval with who was asked and what each decided.</summary>
public sealed record ApprovalView(int Id, int Order, string Name, ApprovalState State, ApprovalQuorum Quorum, int QuorumCount,
    DateTime? StartedAt, DateTime? DecidedAt, IReadOnlyList<ApproverView> Approvers, DateTime? DueAt = null, ApprovalTimeout OnTimeout = default,
    bool DecidedAutomatically = false);

/// <summary>A field of the request an approver decides on.</summary>
public sealed record ApprovalField(string Label, string Value);

/// <summary>A step that waits for the reader's decision (or, as their delegate, someone's away: <see cref="OnBehalfOf"/>).</summary>
public sealed record PendingApproval(int ApprovalId, int TicketId, string Key, string Title, string Department, string Requester,
    string StepName, DateTime StartedAt, string Description, IReadOnlyList<ApprovalField> Fields, string? OnBehalfOf = null);

/// <summary>Someone deciding the reader's approvals while they are away, from a day to a day.</summary>
public sealed record DelegationView(int Id, string DelegateName, string DelegateEmail, DateOnly From, DateOnly To);

/// <summary>What a decision led to.</summary>
public sealed record ApprovalDecision(ApprovalState StepState, TicketStatus TicketStatus, string? NextStep);

/// <summary>
/// Approvals in motion: who waits for whom, and decisions. A decision is a change of its request through the ticket
/// pipeline (history, rules, SLA, audit, webhooks): approved, the next step starts or the work does; rejected, the
/// request closes and its requester is told why. Checked on every call: only a current approver of the pending step,
/// never the requester, once.
/// </summary>
public sealed class ApprovalService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketPipeline pipeline,
    NotificationService notifications, Sla.SlaService sla)
{
    public const int ReasonMax = 2000;

    /// <summary>The steps of a request, for whoever may see the request.</summary>
    public async Task<IReadOnlyList<ApprovalView>> StepsAsync(Actor actor, int ticketId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var ticket = await db.Tickets.AsNoTracking().Include(t => t.Watchers).FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || !TicketAccess.MaySee(actor, ticket))
            throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not see it.");
        var steps = await db.TicketApprovals.AsNoTracking().Include(a => a.Approvers).Where(a => a.TicketId == ticketId)
            .OrderBy(a => a.Order).ToListAsync(ct);
        var ids = steps.SelectMany(s => s.Approvers.SelectMany(a => new[] { a.UserId, a.StandsInForId })).OfType<string>().Distinct().ToList();
        var names = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return steps.Select(s => new ApprovalView(s.Id, s.Order, s.Name, s.State, s.Quorum, s.QuorumCount, s.StartedAt, s.DecidedAt,
            s.Approvers.OrderBy(a => a.StandsInForId is null ? 0 : 1).ThenBy(a => names.GetValueOrDefault(a.UserId)).Select(a =>
                new ApproverView(a.UserId, names.GetValueOrDefault(a.UserId, a.UserId), a.Approved, a.DecidedAt, a.Reason,
                    a.StandsInForId is null ? null : names.GetValueOrDefault(a.StandsInForId, a.StandsInForId), a.ByLink)).ToList(),
            s.TimedOutAt is null ? s.DueAt : null, s.OnTimeout, s.DecidedAutomatically)).ToList();
    }

    /// <summary>The steps waiting for the reader's decision, oldest first.</summary>
    public async Task<IReadOnlyList<PendingApproval>> MineAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var away = await AwayFor(db, actor.UserId, now).ToListAsync(ct);
        var rows = await db.TicketApprovals.AsNoTracking()
            .Where(a => a.State == ApprovalState.Pending && a.Ticket!.RequesterId != actor.UserId
                && a.Approvers.Any(p => (p.UserId == actor.UserId || away.Contains(p.UserId)) && p.Approved == null
                    // nor a place someone asked in the approver's stead (or the approver, for a stand-in) decided already
                    && !a.Approvers.Any(q => q.Id != p.Id && q.Approved != null
                        && (q.StandsInForId == p.UserId || q.UserId == p.StandsInForId || (q.StandsInForId != null && q.StandsInForId == p.StandsInForId)))))
            .OrderBy(a => a.StartedAt)
            .Select(a => new
            {
                a.Id, a.TicketId, a.Ticket!.Key, a.Ticket.Title, Department = a.Ticket.Department!.Name, Requester = a.Ticket.Requester!.DisplayName,
                a.Name, a.StartedAt, a.Ticket.Description,
                Fields = a.Ticket.FieldValues.OrderBy(v => v.Field!.SortOrder).Select(v => new { v.Field!.Label, v.Value }).ToList(),
                Mine = a.Approvers.Any(p => p.UserId == actor.UserId && p.Approved == null),
                For = a.Approvers.Where(p => away.Contains(p.UserId) && p.Approved == null).Select(p => db.Users.Where(u => u.Id == p.UserId).Select(u => u.DisplayName).First()).FirstOrDefault(),
            }).ToListAsync(ct);
        return rows.Select(r => new PendingApproval(r.Id, r.TicketId, r.Key, r.Title, r.Department, r.Requester, r.Name, r.StartedAt ?? default,
            r.Description, r.Fields.Select(f => new ApprovalField(f.Label, f.Value)).ToList(), r.Mine ? null : r.For)).ToList();
    }

    /// <summary>One pending step as My approvals shows it (for the page behind an approval link).</summary>
    internal static async Task<PendingApproval> PendingAsync(DeskDbContext db, int approvalId, CancellationToken ct)
    {
        var r = await db.TicketApprovals.AsNoTracking().Where(a => a.Id == approvalId)
            .Select(a => new
            {
                a.Id, a.TicketId, a.Ticket!.Key, a.Ticket.Title, Department = a.Ticket.Department!.Name, Requester = a.Ticket.Requester!.DisplayName,
                a.Name, a.StartedAt, a.Ticket.Description,
                Fields = a.Ticket.FieldValues.OrderBy(v => v.Field!.SortOrder).Select(v => new { v.Field!.Label, v.Value }).ToList(),
            }).FirstAsync(ct);
        return new PendingApproval(r.Id, r.TicketId, r.Key, r.Title, r.Department, r.Requester, r.Name, r.StartedAt ?? default, r.Description,
            r.Fields.Select(f => new ApprovalField(f.Label, f.Value)).ToList());
    }

    /// <summary>The people away now who asked <paramref name="delegateId"/> to decide their approvals.</summary>
    private static IQueryable<string> AwayFor(DeskDbContext db, string delegateId, DateTime now) =>
        db.ApprovalDelegations.Where(d => d.DelegateId == delegateId && d.IsActive && d.From <= now && now < d.Until).Select(d => d.UserId);

    /// <summary>The reader's delegations that have not ended.</summary>
    public async Task<IReadOnlyList<DelegationView>> DelegationsAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var rows = await db.ApprovalDelegations.AsNoTracking().Where(d => d.UserId == actor.UserId && d.IsActive && d.Until > now).OrderBy(d => d.From)
            .Select(d => new { d.Id, d.From, d.Until, Delegate = db.Users.Where(u => u.Id == d.DelegateId).Select(u => new { u.DisplayName, u.Email }).First() })
            .ToListAsync(ct);
        return rows.Select(r => new DelegationView(r.Id, r.Delegate.DisplayName, r.Delegate.Email ?? "", DateOnly.FromDateTime(r.From),
            DateOnly.FromDateTime(r.Until).AddDays(-1))).ToList();
    }

    /// <summary>
    /// Asks the person with that email to decide the reader's approvals from one day to another (whole UTC days, both
    /// included, at most a year ahead). Each error names its field; recorded on the audit trail.
    /// </summary>
    public async Task<int> DelegateAsync(Actor actor, string? delegateEmail, DateOnly? from, DateOnly? to, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var errors = new ValidationErrors();
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        string? delegateId = null;
        if (string.IsNullOrWhiteSpace(delegateEmail))
            errors.Add("Delegate", "Delegate: the email of who decides for you is required.");
        else
        {
            var normalized = delegateEmail.Trim().ToUpperInvariant();
            delegateId = await db.Users.Where(u => u.NormalizedEmail == normalized && u.IsActive && !u.IsServiceAccount).Select(u => u.Id).FirstOrDefaultAsync(ct);
            if (delegateId is null)
                errors.Add("Delegate", $"Delegate: no active person has the email {delegateEmail.Trim()}.");
            else if (delegateId == actor.UserId)
                errors.Add("Delegate", "Delegate: choose someone other than yourself.");
        }

        if (from is null)
            errors.Add("From", "From: the first day away is required.");
        if (to is null)
            errors.Add("To", "To: the last day away is required.");
        if (from is { } f && to is { } t)
        {
            if (t < f)
                errors.Add("To", "To: the last day cannot be before the first.");
            else if (t < today)
                errors.Add("To", "To: the last day has passed.");
            else if (t > today.AddYears(1))
                errors.Add("To", "To: at most a year ahead.");
        }

        errors.ThrowIfAny();
        var delegation = new ApprovalDelegation
        {
            UserId = actor.UserId, DelegateId = delegateId!, From = from!.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            Until = to!.Value.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.ApprovalDelegations.Add(delegation);
        await db.SaveChangesAsync(ct);
        return delegation.Id;
    }

    /// <summary>Ends one of the reader's delegations at once.</summary>
    public async Task EndDelegationAsync(Actor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var d = await db.ApprovalDelegations.FirstOrDefaultAsync(x => x.Id == id && x.UserId == actor.UserId, ct)
            ?? throw new DeskNotFoundException($"Delegation {id} does not exist.");
        d.IsActive = false;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Records the reader's decision on a pending step. A rejection needs a reason (the requester is told it). Two
    /// approvers deciding at the same moment give one outcome: the second finds the step decided, or counts with the first.
    /// </summary>
    /// <param name="byLink">Decided with the link of the approval email (recorded as such).</param>
    public async Task<ApprovalDecision> DecideAsync(Actor actor, int approvalId, bool approve, string? reason, CancellationToken ct = default,
        bool byLink = false)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        var errors = new ValidationErrors();
        if (!approve)
            errors.Required("Reason", reason, "Reason");
        errors.MaxLength("Reason", reason, ReasonMax, "Reason");
        errors.ThrowIfAny();

        await using var db = await dbFactory.CreateForAsync(actor, ct);
        for (var attempt = 0; ; attempt++)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var result = await DecideInTransactionAsync(db, actor, approvalId, approve, reason, byLink, tx, ct);
                return result;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Someone decided the same step (or changed the request) at this moment: read it again and decide on what is there now.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<ApprovalDecision> DecideInTransactionAsync(DeskDbContext db, Actor actor, int approvalId, bool approve, string? reason,
        bool byLink, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, CancellationToken ct)
    {
        var approval = await db.TicketApprovals.Include(a => a.Approvers).FirstOrDefaultAsync(a => a.Id == approvalId, ct)
            ?? throw new DeskNotFoundException($"Approval {approvalId} does not exist.");
        var now = clock.GetUtcNow().UtcDateTime;
        var me = approval.Approvers.FirstOrDefault(a => a.UserId == actor.UserId);
        if (me is null)
        {
            // The delegate of an approver who is away decides in their place, recorded as such.
            var away = await AwayFor(db, actor.UserId, now).ToListAsync(ct);
            me = approval.Approvers.FirstOrDefault(a => away.Contains(a.UserId) && a.Approved == null)
                ?? throw new DeskForbiddenException("You are not an approver of this step.");
        }

        var ticket = await db.Tickets.FirstAsync(t => t.Id == approval.TicketId, ct);
        if (ticket.RequesterId == actor.UserId)
            throw new DeskForbiddenException("You filed this request, so someone else approves it.");
        if (approval.State != ApprovalState.Pending)
            throw new DeskConflictException($"This step was already decided: {Display(approval.State)}.");
        if (me.Approved is not null)
            throw new DeskConflictException($"You already decided this step: {(me.Approved.Value ? "approved" : "rejected")}.");
        var eligible = await ApprovalFlow.EligibleAsync(db, approval, ticket, ct);
        if (!eligible.Contains(me.UserId))
            throw new DeskForbiddenException("You may no longer decide this step: you are no longer one of its approvers.");
        if (approval.Approvers.FirstOrDefault(p => p.Place == me.Place && p != me && p.Approved is not null && eligible.Contains(p.UserId)) is { } other)
            throw new DeskConflictException(
                $"{await db.Users.Where(u => u.Id == other.UserId).Select(u => u.DisplayName).FirstAsync(ct)} decided this already, in the same place as you.");

        (me.Approved, me.DecidedAt, me.Reason, me.ByLink) = (approve, now, reason, byLink);
        var onBehalf = me.UserId == actor.UserId ? null : await db.Users.Where(u => u.Id == me.UserId).Select(u => u.DisplayName).FirstAsync(ct);
        me.DecidedById = onBehalf is null ? null : actor.UserId;
        approval.Version++;
        var change = pipeline.Begin(db, ticket, actor.UserId, TicketChangeKind.Updated, now);
        change.Record(new TicketEvent
        {
            TicketId = ticket.Id, At = now, ActorId = actor.UserId, Kind = TicketEventKind.ApprovalDecided, IsPublic = true,
            Subject = onBehalf is null ? approval.Name : $"{approval.Name} (for {onBehalf})",
            NewValue = approve ? "Approved" : "Rejected", Body = reason,
        });

        var (places, yes, no) = ApprovalFlow.Tally(approval, eligible);
        var state = ApprovalRules.Outcome(approval.Quorum, approval.QuorumCount, places, yes, no);
        var next = state == ApprovalState.Pending ? null : await SettleAsync(change, approval, state, reason, ct);
        await pipeline.CommitAsync(change, tx, ct);
        return new ApprovalDecision(state, ticket.Status, next);
    }

    /// <summary>
    /// A step's outcome, by its approvers or by its time limit: approved, the next step starts (its name returned) or the
    /// work does; rejected, the request closes.
    /// </summary>
    internal async Task<string?> SettleAsync(TicketChange change, TicketApproval approval, ApprovalState state, string? reason, CancellationToken ct)
    {
        (approval.State, approval.DecidedAt) = (state, change.Now);
        if (state == ApprovalState.Approved)
            return await AfterApprovedAsync(change.Db, change, approval, ct);
        await AfterRejectedAsync(change.Db, change, approval, reason, ct);
        return null;
    }

    /// <summary>The next step starts; after the last one the work does (status New, the request's held tasks with it).</summary>
    private async Task<string?> AfterApprovedAsync(DeskDbContext db, TicketChange change, TicketApproval approval, CancellationToken ct)
    {
        var ticket = change.Ticket;
        var next = await db.TicketApprovals.Include(a => a.Approvers)
            .Where(a => a.TicketId == ticket.Id && a.State == ApprovalState.Queued).OrderBy(a => a.Order).FirstOrDefaultAsync(ct);
        if (next is not null)
        {
            await ApprovalFlow.StartAsync(change, next, notifications, sla, ct);
            return next.Name;
        }

        SetStatus(change, TicketStatus.New, "Approved: the work starts.");
        // The tasks that waited for the approval start; those that wait for another task keep waiting for it.
        MoveHeldTasks(change, await db.Tickets.Where(t => t.ParentId == ticket.Id && t.Status == TicketStatus.Waiting && t.WaitsForId == null)
            .ToListAsync(ct), TicketStatus.New, $"{ticket.Key} is approved.");

        await notifications.AddAsync(db, [ticket.RequesterId], change.ActorId, ticket, $"approved:{ticket.Id}", NotificationEvent.RequestUpdate,
            "Approved: the work on your request starts", change.Now, ct);
        return null;
    }

    /// <summary>The request closes as rejected (its held tasks with it) and its requester is told why.</summary>
    private async Task AfterRejectedAsync(DeskDbContext db, TicketChange change, TicketApproval approval, string? reason, CancellationToken ct)
    {
        var ticket = change.Ticket;
        SetStatus(change, TicketStatus.Closed, $"Rejected at “{approval.Name}”: {reason}");
        MoveHeldTasks(change, await db.Tickets.Where(t => t.ParentId == ticket.Id && t.Status == TicketStatus.Waiting).ToListAsync(ct),
            TicketStatus.Closed, $"{ticket.Key} was rejected.");

        await notifications.AddAsync(db, [ticket.RequesterId], change.ActorId, ticket, $"rejected:{ticket.Id}", NotificationEvent.RequestUpdate,
            $"Rejected: {reason}", change.Now, ct);
    }

    /// <summary>Moves a request's held tasks on with it, each with its history entry; the pipeline keeps their SLA and announces them.</summary>
    private static void MoveHeldTasks(TicketChange change, IEnumerable<Ticket> tasks, TicketStatus to, string note)
    {
        foreach (var task in tasks)
        {
            change.Db.TicketEvents.Add(TicketEvent.StatusChange(task.Id, change.Now, task.Status, to, note: note));
            (task.Status, task.UpdatedAt) = (to, change.Now);
            task.Version++;
            change.AlsoChanged.Add(task);
        }
    }

    private static void SetStatus(TicketChange change, TicketStatus to, string note)
    {
        var ticket = change.Ticket;
        change.Record(TicketEvent.StatusChange(ticket.Id, change.Now, ticket.Status, to, change.ActorId, note: note));
        (ticket.Status, ticket.UpdatedAt) = (to, change.Now);
        ticket.Version++;
    }

    public static string Display(ApprovalState state) => state switch
    {
        ApprovalState.Queued => "not started",
        ApprovalState.Pending => "waiting for a decision",
        ApprovalState.Approved => "approved",
        _ => "rejected",
    };
}

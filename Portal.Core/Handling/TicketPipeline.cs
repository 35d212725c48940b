using Portal.Core.Security;
using Portal.Core.Common;
using Portal.Core.Tickets;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Core.Persistence;
using Portal.Core.Routing;

namespace Portal.Core.Handling;

/// <summary>
/// What a feature that extends tickets (complaints, the service catalog, asset links) adds to the pipeline at its named steps. Tickets
/// knows only this interface, so the feature folders depend on Tickets and never the other way round.
/// </summary>
public interface ITicketHook
{
    /// <summary>
    /// Before a request is filed, once its own fields are checked: checks the parts of the filing the feature owns (an error
    /// names its field) and returns what it adds once the new ticket has its id, or null.
    /// </summary>
    Task<Action<Ticket>?> BeforeFilingAsync(DeskDbContext db, Actor actor, NewTicketInput input, ValidationErrors errors, CancellationToken ct) =>
        Task.FromResult<Action<Ticket>?>(null);

    /// <summary>Before a ticket moves to Resolved or Closed: why it may not yet (a message for the Status field), or null.</summary>
    Task<string?> BeforeCloseAsync(DeskDbContext db, Ticket ticket, CancellationToken ct) => Task.FromResult<string?>(null);

    /// <summary>After the change's rules and notifications, in its unit of work: other tickets it moves go to <see cref="TicketChange.AlsoChanged"/>.</summary>
    Task AfterChangeAsync(TicketChange change, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// One operation on one ticket (a filing, a reply, an edit, a merge; later an email, an API call, a macro): the command
/// validates, authorizes and applies it, records its history entries here, and hands it to
/// <see cref="TicketPipeline.CommitAsync"/>, which runs the steps every change goes through, once and in one order.
/// </summary>
public sealed class TicketChange
{
    internal TicketChange(DeskDbContext db, Ticket ticket, string? actorId, TicketChangeKind kind, DateTime now)
    {
        Db = db;
        Ticket = ticket;
        ActorId = actorId;
        Kind = kind;
        Now = now;
        StatusBefore = ticket.Status;
        AssigneeBefore = ticket.AssigneeId;
    }

    public DeskDbContext Db { get; }
    public Ticket Ticket { get; }

    /// <summary>Who made the change; null for the desk itself (a rule, the sweep).</summary>
    public string? ActorId { get; }
    public TicketChangeKind Kind { get; }
    public DateTime Now { get; }
    public TicketStatus StatusBefore { get; }
    public string? AssigneeBefore { get; }
    public bool StatusChanged => Ticket.Status != StatusBefore;

    /// <summary>The automation rule triggers the change fires (status and priority changes add theirs as they are recorded).</summary>
    public HashSet<RuleTrigger> Triggers { get; } = [];

    /// <summary>The requester's tags, when the command has read them (rules read them otherwise, if one asks).</summary>
    public string? RequesterTags { get; set; }

    /// <summary>The text rules look for words in (a new ticket's title and description, a reply's body).</summary>
    public string? RuleText { get; set; }

    /// <summary>A team was chosen without a person: the team's own assignment mode picks one (routing step).</summary>
    public bool AssignWithinTeam { get; set; }

    /// <summary>
    /// The command has already evaluated the ticket's SLA and escalation plan from the state in hand (the sweep does, to
    /// find the levels due): the pipeline evaluates it again only if a later step (a rule, routing) moves the ticket.
    /// </summary>
    public bool SlaInHand { get; set; }

    /// <summary>The history entries this change recorded.</summary>
    public List<TicketEvent> Events { get; } = [];

    /// <summary>Rows that need the ids the first write gives (a new ticket's attachments, asset links, complaint form).</summary>
    internal List<Action> OnceWritten { get; } = [];

    /// <summary>Who hears of the change, added after the rules ran (so a rule's new assignee is told, not the old one).</summary>
    internal List<Func<CancellationToken, Task>> Notifications { get; } = [];

    /// <summary>Other tickets the change moved (a task's request, the original of a merge): their SLA follows and they are announced.</summary>
    public List<Ticket> AlsoChanged { get; } = [];

    /// <summary>Other tickets whose pages should read them again, without a change of their own (a task's request).</summary>
    public HashSet<(int TicketId, int DepartmentId)> AlsoAnnounced { get; } = [];

    /// <summary>Events for webhook subscriptions beyond those the change's history says (an SLA warning, an escalation): type, unique key, extra data.</summary>
    public List<(string Type, string Key, System.Text.Json.Nodes.JsonObject? Extra)> WebhookEvents { get; } = [];

    /// <summary>Records a history entry of the change; a status or priority change also fires its rule trigger.</summary>
    public void Record(TicketEvent e)
    {
        if (Ticket.Id == 0)
            Ticket.Events.Add(e);
        else
            Db.TicketEvents.Add(e);
        Events.Add(e);
        if (e.Kind is TicketEventKind.StatusChanged or TicketEventKind.Reopened)
            Triggers.Add(RuleTrigger.StatusChanged);
        if (e.Kind == TicketEventKind.PriorityChanged)
            Triggers.Add(RuleTrigger.PriorityChanged);
    }

    /// <summary>Adds rows that need the ids the change's first write gives.</summary>
    public void AfterFirstWrite(Action add) => OnceWritten.Add(add);

    /// <summary>Adds notifications, made after the rules have run.</summary>
    public void Notify(Func<CancellationToken, Task> tell) => Notifications.Add(tell);
}

/// <summary>
/// The one way a ticket changes. Whoever changes a ticket (pages, the catalog, complaints, maintenance, and the channels
/// to come) checks and applies the change, then calls <see cref="CommitAsync"/>, whose steps stand here in order.
/// </summary>
public sealed class TicketPipeline(Sla.SlaService sla, AutomationService automation, TicketChangeFeed feed, IEnumerable<ITicketHook> hooks,
    Notifications.WebhookSubscriptionCache webhooks)
{
    private readonly ITicketHook[] _hooks = hooks.ToArray();

    /// <summary>Starts a change of <paramref name="ticket"/> (tracked by <paramref name="db"/>); the ticket's state now is its "before".</summary>
    public TicketChange Begin(DeskDbContext db, Ticket ticket, string? actorId, TicketChangeKind kind, DateTime now) => new(db, ticket, actorId, kind, now);

    /// <summary>The "before filing" step: the features' checks of a new request, and what each adds once it is written.</summary>
    public async Task<List<Action<Ticket>>> BeforeFilingAsync(DeskDbContext db, Actor actor, NewTicketInput input, ValidationErrors errors,
        CancellationToken ct)
    {
        var adds = new List<Action<Ticket>>();
        foreach (var hook in _hooks)
            if (await hook.BeforeFilingAsync(db, actor, input, errors, ct) is { } add)
                adds.Add(add);
        return adds;
    }

    /// <summary>The "before close" step: why the ticket may not be resolved or closed yet, or null.</summary>
    public async Task<string?> BeforeCloseAsync(DeskDbContext db, Ticket ticket, CancellationToken ct)
    {
        foreach (var hook in _hooks)
            if (await hook.BeforeCloseAsync(db, ticket, ct) is { } refusal)
                return refusal;
        return null;
    }

    /// <summary>
    /// Runs the steps that follow the command's own (authorize, validate, apply) and commits <paramref name="tx"/>:
    /// <list type="number">
    /// <item>a new ticket is written first, for its id and number (any other change is evaluated in hand and written once, below);</item>
    /// <item>routing: a team chosen without a person hands the ticket out within the team;</item>
    /// <item>automation rules on the change's triggers;</item>
    /// <item>notifications (in-app and the outbox);</item>
    /// <item>the features' "after change" hooks (a done task starts the next, resolves its request);</item>
    /// <item>the SLA and escalation plan of every ticket the change touched, from its history with the entries in hand;</item>
    /// <item>events for the webhook subscriptions that want them, into the outbox;</item>
    /// <item>one save, then commit: just before it the reporting facts and rollups, then the audit trail's entries, are
    /// written in the same transaction (Persistence.CommitWrites; Persistence.AuditTrail and Reporting.FactWriter note
    /// what each save wrote);</item>
    /// <item>publish the change to open pages, the hub and the other nodes.</item>
    /// </list>
    /// Throws what the save throws (a concurrency conflict, a unique number taken), leaving the commit to nobody.
    /// </summary>
    public async Task CommitAsync(TicketChange change, IDbContextTransaction tx, CancellationToken ct)
    {
        await RunAsync(change, ct);
        await tx.CommitAsync(ct);
        Publish(change);
    }

    /// <summary>
    /// Steps 1 to 8 of <see cref="CommitAsync"/> without the commit, for an operation that files several tickets in one
    /// transaction (a catalog request and its tasks): the caller commits, then publishes each change.
    /// </summary>
    public async Task RunAsync(TicketChange change, CancellationToken ct)
    {
        await StepsAsync(change, ct);
        await change.Db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The same steps for changes the desk makes to many tickets in one unit of work (the escalation sweep, 500 tickets
    /// a transaction): steps 1 to 7 for each change, then one save of them all, whose history entries, escalation claims
    /// and SLA states go as prepared statements (<see cref="BulkWriter"/>; the audit trail's entries with them), then
    /// commit and publish each. Throws what the save throws (another sweeper's claim of the same level), leaving the
    /// rollback to the caller.
    /// </summary>
    public async Task CommitBatchAsync(DeskDbContext db, IReadOnlyList<TicketChange> changes, IDbContextTransaction tx, CancellationToken ct)
    {
        foreach (var change in changes)
            await StepsAsync(change, ct);
        await BulkWriter.FlushAsync(db, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        foreach (var change in changes)
            Publish(change);
    }

    private async Task StepsAsync(TicketChange change, CancellationToken ct)
    {
        var db = change.Db;
        var ticket = change.Ticket;
        // A ticket first written here has all its rows in this unit of work: the SLA step reads them from it.
        var writtenHere = ticket.Id == 0;
        // A new ticket (or rows that point at a new history entry) needs the ids only a write gives; any other change is
        // evaluated as it stands in hand and written once, below.
        if (ticket.Id == 0 || change.OnceWritten.Count > 0)
        {
            await db.SaveChangesAsync(ct);
            foreach (var add in change.OnceWritten)
                add();
        }

        if (change.AssignWithinTeam)
            await TeamAssignment.AssignWithinTeamAsync(db, ticket, change.Now, null, ct);
        var ruled = change.Triggers.Count > 0
            && (await automation.ApplyAsync(db, ticket, new RuleContext(change.Triggers, change.StatusBefore, change.RuleText, change.ActorId) { RequesterTags = change.RequesterTags }, change.Now, ct)).Count > 0;
        foreach (var tell in change.Notifications)
            await tell(ct);
        foreach (var hook in _hooks)
            await hook.AfterChangeAsync(change, ct);

        // A command that evaluated the SLA itself (the sweep finds what is due that way) is evaluated again only when a
        // later step moved the ticket.
        if (!change.SlaInHand || ruled || change.AssignWithinTeam)
            await sla.ApplyAsync(db, ticket, ct, writtenHere);
        foreach (var other in change.AlsoChanged)
            await sla.ApplyAsync(db, other, ct);

        // Events for the webhook subscriptions that want them, into the outbox with the change.
        db.ActiveWebhooks ??= await webhooks.ActiveAsync(db, ct);
        await TicketWebhookEvents.AddForChangeAsync(change, ct);
    }

    /// <summary>Step 9: tells open pages, the hub and the other nodes; only after the commit, so a listener that re-reads sees it.</summary>
    public void Publish(TicketChange change)
    {
        feed.Publish(new TicketChanged(change.Ticket.Id, change.Ticket.DepartmentId, change.Kind) { Notified = change.Db.NotifiedUsers });
        foreach (var other in change.AlsoChanged)
            feed.Publish(new TicketChanged(other.Id, other.DepartmentId, change.Kind == TicketChangeKind.Merged ? TicketChangeKind.Merged : TicketChangeKind.Updated));
        foreach (var (id, department) in change.AlsoAnnounced.Where(a => change.AlsoChanged.All(t => t.Id != a.TicketId)))
            feed.Publish(new TicketChanged(id, department, TicketChangeKind.Task));
    }
}

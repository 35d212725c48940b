using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Departments;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Core.Handling;
using Portal.Core.Persistence;
using Portal.Core.Sla;

namespace Portal.Core.Persistence;

public class DeskDbContext : IdentityUserContext<DeskUser>
{
    public DeskDbContext(DbContextOptions<DeskDbContext> options)
        : base(options)
    {
        // A failed save aborts the whole unit of work (every caller rolls back or retries from the start), so saves need
        // no savepoint of their own: two round trips fewer for each save inside a transaction.
        Database.AutoSavepointsEnabled = false;
        // Ticket events are noted as they start being tracked (no extra change detection at save time): the audit
        // trail writes an entry for each one its save wrote (Persistence.AuditTrail).
        ChangeTracker.Tracked += (_, e) =>
        {
            if (e.Entry.State == EntityState.Added && Reporting.FactWriter.Feeds(e.Entry.Entity))
            {
                FactTickets.Add(e.Entry.Entity);
                if (e.Entry.Entity is Ticket)
                    NewTickets.Add((Ticket)e.Entry.Entity);
            }
            if (e.Entry.Entity is TicketEvent ticketEvent)
            {
                if (e.Entry.State == EntityState.Added)
                    PendingTicketEvents.Add(ticketEvent);
            }
            else if (!TracksAuditedRecords && Persistence.EntityAudit.IsAudited(e.Entry.Metadata.ClrType))
                TracksAuditedRecords = true;
        };

        // The reporting facts of every ticket whose row, SLA states or history a save changes are kept with it (Reporting.FactWriter).
        ChangeTracker.StateChanged += (_, e) =>
        {
            if (e.NewState is EntityState.Added or EntityState.Modified && Reporting.FactWriter.Feeds(e.Entry.Entity))
                FactTickets.Add(e.Entry.Entity);
        };
    }

    /// <summary>Tickets, SLA states and history entries this unit of work added or changed, whose tickets' facts follow the save.</summary>
    internal HashSet<object> FactTickets { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Tickets this unit of work added whose facts have not been written yet.</summary>
    internal HashSet<Ticket> NewTickets { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>The ids of <see cref="NewTickets"/> once written: nothing to read before their first facts.</summary>
    internal IReadOnlySet<int> TicketsWithoutFacts => NewTickets.Select(t => t.Id).Where(id => id > 0).ToHashSet();

    public DbSet<Reporting.TicketFactRow> TicketFacts => Set<Reporting.TicketFactRow>();

    public DbSet<Department> Departments => Set<Department>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<DepartmentMember> DepartmentMembers => Set<DepartmentMember>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<CustomField> CustomFields => Set<CustomField>();
    public DbSet<TicketType> TicketTypes => Set<TicketType>();
    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<TicketFieldValue> TicketFieldValues => Set<TicketFieldValue>();
    public DbSet<TicketWatcher> TicketWatchers => Set<TicketWatcher>();
    public DbSet<TicketEvent> TicketEvents => Set<TicketEvent>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<AttachmentContent> AttachmentContents => Set<AttachmentContent>();
    public DbSet<Sla.SlaCalendarRecord> SlaCalendars => Set<Sla.SlaCalendarRecord>();
    public DbSet<Sla.SlaPolicyRecord> SlaPolicies => Set<Sla.SlaPolicyRecord>();
    public DbSet<Sla.TicketSlaState> TicketSlaStates => Set<Sla.TicketSlaState>();
    public DbSet<Sla.SlaRecompute> SlaRecomputes => Set<Sla.SlaRecompute>();
    public DbSet<Sla.EscalationPathRecord> EscalationPaths => Set<Sla.EscalationPathRecord>();
    public DbSet<Sla.EscalationLevelRecord> EscalationLevels => Set<Sla.EscalationLevelRecord>();
    public DbSet<Sla.EscalationFiring> EscalationFirings => Set<Sla.EscalationFiring>();
    public DbSet<Notifications.Notification> Notifications => Set<Notifications.Notification>();
    public DbSet<Notifications.OutboxMessage> OutboxMessages => Set<Notifications.OutboxMessage>();
    public DbSet<Notifications.NotificationPreference> NotificationPreferences => Set<Notifications.NotificationPreference>();
    public DbSet<Routing.AutomationRuleRecord> AutomationRules => Set<Routing.AutomationRuleRecord>();
    public DbSet<Assets.AssetType> AssetTypes => Set<Assets.AssetType>();
    public DbSet<Assets.AssetField> AssetFields => Set<Assets.AssetField>();
    public DbSet<Assets.Asset> Assets => Set<Assets.Asset>();
    public DbSet<Assets.AssetFieldValue> AssetFieldValues => Set<Assets.AssetFieldValue>();
    public DbSet<Assets.AssetChange> AssetChanges => Set<Assets.AssetChange>();
    public DbSet<Assets.TicketAsset> TicketAssets => Set<Assets.TicketAsset>();
    public DbSet<Assets.MaintenanceSchedule> MaintenanceSchedules => Set<Assets.MaintenanceSchedule>();
    public DbSet<Assets.MaintenanceRun> MaintenanceRuns => Set<Assets.MaintenanceRun>();
    public DbSet<Audit.AuditEntry> AuditEntries => Set<Audit.AuditEntry>();

    /// <summary>
    /// Who got an in-app notification in this unit of work; published with the change after commit, so that open pages
    /// of everyone else need not count their unread notifications again. Not stored.
    /// </summary>
    public HashSet<string> NotifiedUsers { get; } = [];

    /// <summary>Who this unit of work acts for, as the audit trail names it; null for the desk itself.</summary>
    public Persistence.AuditActing? Acting { get; set; }

    /// <summary>A record the audit trail follows (configuration, people, assets ...) has been tracked, so saves look for its changes.</summary>
    internal bool TracksAuditedRecords { get; private set; }

    /// <summary>Changes to such records seen at the start of a save, written to the trail once it succeeded.</summary>
    internal List<Persistence.EntityAudit.Pending> PendingChanges { get; } = [];

    public DbSet<Complaints.Complaint> Complaints => Set<Complaints.Complaint>();
    public DbSet<TicketLink> TicketLinks => Set<TicketLink>();
    public DbSet<Catalog.CatalogItem> CatalogItems => Set<Catalog.CatalogItem>();
    public DbSet<Catalog.CatalogTask> CatalogTasks => Set<Catalog.CatalogTask>();
    public DbSet<Mailbox> Mailboxes => Set<Mailbox>();
    public DbSet<Mail.InboundMessage> InboundMessages => Set<Mail.InboundMessage>();
    public DbSet<Users.ApiToken> ApiTokens => Set<Users.ApiToken>();
    public DbSet<Notifications.WebhookSubscription> WebhookSubscriptions => Set<Notifications.WebhookSubscription>();
    public DbSet<Notifications.WebhookDelivery> WebhookDeliveries => Set<Notifications.WebhookDelivery>();
    public DbSet<Approvals.ApprovalStep> ApprovalSteps => Set<Approvals.ApprovalStep>();
    public DbSet<Approvals.TicketApproval> TicketApprovals => Set<Approvals.TicketApproval>();
    public DbSet<Approvals.TicketApprover> TicketApprovers => Set<Approvals.TicketApprover>();
    public DbSet<Approvals.ApprovalDelegation> ApprovalDelegations => Set<Approvals.ApprovalDelegation>();
    public DbSet<Knowledge.Article> Articles => Set<Knowledge.Article>();
    public DbSet<Knowledge.ArticleRevision> ArticleRevisions => Set<Knowledge.ArticleRevision>();
    public DbSet<Knowledge.ArticleSignal> ArticleSignals => Set<Knowledge.ArticleSignal>();
    public DbSet<Knowledge.ArticleFile> ArticleFiles => Set<Knowledge.ArticleFile>();
    public DbSet<TicketTag> TicketTags => Set<TicketTag>();
    public DbSet<Responses.CannedResponse> CannedResponses => Set<Responses.CannedResponse>();
    public DbSet<Responses.CannedResponseUse> CannedResponseUses => Set<Responses.CannedResponseUse>();

    /// <summary>The active event webhook subscriptions, read once per unit of work by the first event it writes. Not stored.</summary>
    public List<Notifications.WebhookSubscription>? ActiveWebhooks { get; set; }

    /// <summary>Ticket events saved in this unit of work and not yet written to the audit trail (see Persistence.AuditTrail).</summary>
    internal List<TicketEvent> PendingTicketEvents { get; } = [];

    /// <summary>Audit entries waiting for the commit of the current transaction (Persistence.CommitWrites).</summary>
    internal List<Audit.AuditEntry> PendingAudit { get; } = [];

    /// <summary>A save is under way (a commit seen now is the save's own transaction, not the caller's).</summary>
    internal bool Saving { get; set; }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(DeskDbContext).Assembly);
        if (Database.IsPostgres())
            PostgresNumbering.Configure(builder);
    }
}

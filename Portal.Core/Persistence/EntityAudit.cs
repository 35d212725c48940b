using Portal.Core.Audit;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Portal.Core.Persistence;

namespace Portal.Core.Persistence;

/// <summary>Who a unit of work acts for, as the audit trail records it (set by <see cref="AuditDbFactory.CreateForAsync"/>).</summary>
public sealed record AuditActing(AuditActorKind Kind, string? Id, string? Source)
{
    public static AuditActing Of(Security.Actor actor) => new(AuditActorKind.User, actor.UserId, actor.Source ?? "portal");
    public static AuditActing Job(string name) => new(AuditActorKind.Job, name, "scheduler");
    public static readonly AuditActing Sweep = new(AuditActorKind.Sweep, "escalation-sweep", "scheduler");
}

/// <summary>How before and after values are written: JSON objects, readable (no escaping of non-ASCII letters).</summary>
public static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

public static class AuditDbFactory
{
    /// <summary>What a person whose access changed since they signed in is told.</summary>
    public const string SignedOutMessage = "Your access has changed since you signed in (or you were signed out everywhere). Sign in again to go on.";

    /// <summary>A unit of work whose configuration and record changes the audit trail attributes to <paramref name="actor"/>.</summary>
    public static async Task<DeskDbContext> CreateForAsync(this IDbContextFactory<DeskDbContext> factory, Security.Actor actor,
        CancellationToken ct = default)
    {
        var db = await factory.CreateDbContextAsync(ct);
        db.Acting = AuditActing.Of(actor);
        if (actor.Stamp is { } stamp && !await db.Users.AnyAsync(u => u.Id == actor.UserId && u.IsActive && u.SecurityStamp == stamp, ct))
        {
            await db.DisposeAsync();
            throw new Common.DeskForbiddenException(SignedOutMessage);
        }

        return db;
    }
}

/// <summary>
/// Which records besides ticket events the audit trail follows, and how it describes their changes: configuration
/// (departments, teams and memberships, categories, fields, types, calendars, SLA policies, escalation paths, rules),
/// people and their roles, asset records, notification preferences, in-app notifications sent, and SLA targets
/// recalculated. Values are written as people read them; secrets (password hashes, security stamps) never.
/// </summary>
internal static class EntityAudit
{
    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(Departments.Department)] = "department",
        [typeof(Departments.Team)] = "team",
        [typeof(Departments.DepartmentMember)] = "department-member",
        [typeof(Departments.TeamMember)] = "team-member",
        [typeof(Departments.Category)] = "category",
        [typeof(Departments.CustomField)] = "custom-field",
        [typeof(Departments.TicketType)] = "ticket-type",
        [typeof(Departments.Mailbox)] = "mailbox",
        [typeof(Sla.SlaCalendarRecord)] = "sla-calendar",
        [typeof(Sla.SlaPolicyRecord)] = "sla-policy",
        [typeof(Sla.EscalationPathRecord)] = "escalation-path",
        [typeof(Sla.EscalationLevelRecord)] = "escalation-level",
        [typeof(Routing.AutomationRuleRecord)] = "rule",
        [typeof(Users.DeskUser)] = "user",
        [typeof(Users.ApiToken)] = "api-token",
        [typeof(Notifications.WebhookSubscription)] = "webhook",
        [typeof(Assets.AssetType)] = "asset-type",
        [typeof(Assets.AssetField)] = "asset-field",
        [typeof(Assets.Asset)] = "asset",
        [typeof(Assets.AssetFieldValue)] = "asset-field-value",
        [typeof(Assets.MaintenanceSchedule)] = "maintenance-schedule",
        [typeof(Notifications.NotificationPreference)] = "notification-preference",
        [typeof(Notifications.Notification)] = "notification",
        [typeof(Sla.TicketSlaState)] = "sla",
        [typeof(Complaints.Complaint)] = "complaint",
        [typeof(Catalog.CatalogItem)] = "catalog-item",
        [typeof(Catalog.CatalogTask)] = "catalog-task",
        [typeof(Approvals.ApprovalStep)] = "approval-step",
        [typeof(Approvals.TicketApproval)] = "approval",
        [typeof(Approvals.TicketApprover)] = "approver",
        [typeof(Approvals.ApprovalDelegation)] = "approval-delegation",
        [typeof(Responses.CannedResponse)] = "canned-response",
        [typeof(Reporting.DashboardRecord)] = "dashboard",
        [typeof(Reporting.ScheduledReport)] = "scheduled-report",
    };

    /// <summary>Never written to the trail: secrets, bookkeeping, derived text.</summary>
    private static readonly HashSet<string> Skipped =
    [
        "PasswordHash", "SecurityStamp", "ConcurrencyStamp", "NormalizedEmail", "NormalizedUserName", "AccessFailedCount",
        "SearchText", "Version", "ElapsedSeconds", "TicketId", "Hash", "LastUsedAt", "LastUsedFrom", "Secret",
    ];

    /// <summary>An SLA state is audited when its promise changed, not when its clock merely ran on.</summary>
    private static readonly HashSet<string> SlaMeaningful = ["State", "TargetSeconds", "DueAt", "BreachedAt", "StoppedAt"];

    public static bool IsAudited(Type type) => Names.ContainsKey(type);

    /// <summary>A change seen before the save; added records get their ids (and so their "after") once saved.</summary>
    internal sealed record Pending(EntityEntry Entry, string EntityType, string Action, string? Before, string? After, string? Key);

    public static List<Pending> Capture(IEnumerable<EntityEntry> entries)
    {
        var found = new List<Pending>();
        foreach (var entry in entries)
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)
                || !Names.TryGetValue(entry.Metadata.ClrType, out var name))
                continue;
            switch (entry.State)
            {
                case EntityState.Added:
                    found.Add(new Pending(entry, name, name == "notification" ? "notification.sent" : name == "sla" ? "sla.started" : name + ".created",
                        null, null, null));
                    break;
                case EntityState.Deleted when name == "sla" && Equals(entry.Property("State").OriginalValue, Sla.SlaState.Idle):
                    break; // an idle target promised nothing
                case EntityState.Deleted:
                    // An SLA target no longer tracked (the policy changed) is part of a recalculation.
                    found.Add(new Pending(entry, name, name == "sla" ? "sla.recalculated" : name + ".deleted",
                        Serialize(Values(entry, original: true, onlyChanged: false)), null, KeyOf(entry)));
                    break;
                default:
                    var before = Values(entry, original: true, onlyChanged: true);
                    if (before.Count == 0 || (name == "sla" && !before.Keys.Any(SlaMeaningful.Contains)))
                        continue;
                    var action = name == "sla" ? "sla.recalculated" : name == "notification" ? "notification.read" : name + ".changed";
                    found.Add(new Pending(entry, name, action, Serialize(before), Serialize(Values(entry, original: false, onlyChanged: true)), KeyOf(entry)));
                    break;
            }
        }

        return found;
    }

    public static AuditEntry ToEntry(Pending change, AuditActing? acting, DateTime at)
    {
        var after = change.After ?? (change.Entry.State is EntityState.Deleted or EntityState.Detached
            ? null
            : Serialize(Values(change.Entry, original: false, onlyChanged: false)));
        return new AuditEntry
        {
            At = at,
            ActorKind = acting?.Kind ?? AuditActorKind.System,
            ActorId = acting?.Id,
            Action = change.Action,
            EntityType = change.EntityType,
            EntityId = change.Key ?? KeyOf(change.Entry),
            TicketId = change.Entry.Metadata.FindProperty("TicketId") is { } p ? change.Entry.Property(p.Name).CurrentValue as int? : null,
            Before = change.Before,
            After = after,
            Source = acting?.Source,
        };
    }

    private static string KeyOf(EntityEntry entry) =>
        string.Join("/", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => Format(entry.Property(p.Name).CurrentValue ?? entry.Property(p.Name).OriginalValue)));

    private static Dictionary<string, string?> Values(EntityEntry entry, bool original, bool onlyChanged)
    {
        var values = new Dictionary<string, string?>();
        foreach (var property in entry.Properties)
        {
            var meta = property.Metadata;
            if (Skipped.Contains(meta.Name) || meta.ClrType == typeof(byte[]) || meta.IsShadowProperty())
                continue;
            if (onlyChanged && (!property.IsModified || Equals(property.OriginalValue, property.CurrentValue)))
                continue;
            values[meta.Name] = Format(original ? property.OriginalValue : property.CurrentValue);
        }

        return values;
    }

    private static string? Serialize(Dictionary<string, string?> values) => values.Count == 0 ? null : JsonSerializer.Serialize(values, AuditJson.Options);

    private static string? Format(object? value) => value switch
    {
        null => null,
        DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}

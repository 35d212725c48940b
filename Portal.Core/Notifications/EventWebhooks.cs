using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Persistence;

namespace Portal.Core.Notifications;

/// <summary>The events a subscription may ask for, by the names receivers see in <c>type</c>.</summary>
public static class WebhookEvents
{
    public const string TicketCreated = "ticket.created";
    public const string TicketUpdated = "ticket.updated";
    public const string TicketReplied = "ticket.replied";
    public const string TicketNoted = "ticket.noted";
    public const string TicketResolved = "ticket.resolved";
    public const string SlaWarning = "sla.warning";
    public const string SlaBreached = "sla.breached";
    public const string EscalationFired = "escalation.fired";
    public const string AssetCreated = "asset.created";
    public const string AssetUpdated = "asset.updated";
    public const string ApprovalRequested = "approval.requested";
    public const string ApprovalDecided = "approval.decided";

    /// <summary>Only sent by "Send test event"; not subscribed to.</summary>
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> All =
    [
        TicketCreated, TicketUpdated, TicketReplied, TicketNoted, TicketResolved, SlaWarning, SlaBreached, EscalationFired, AssetCreated, AssetUpdated,
        ApprovalRequested, ApprovalDecided,
    ];

    public static string Describe(string type) => type switch
    {
        TicketCreated => "A request is filed (any channel: page, email, API, catalog)",
        TicketUpdated => "A ticket's fields, state, assignee, watchers or links change",
        TicketReplied => "A public reply is added (by staff or the requester)",
        TicketNoted => "An internal note is added",
        TicketResolved => "A ticket moves to Resolved",
        SlaWarning => "An escalation level before the breach fires (a share of the target, or a time before it is due)",
        SlaBreached => "An escalation level at the breach fires",
        EscalationFired => "Any escalation level fires",
        AssetCreated => "An asset is created",
        AssetUpdated => "An asset is changed",
        ApprovalRequested => "A request's approval step starts: its approvers are asked",
        ApprovalDecided => "An approver approves or rejects (the step's outcome, and the request's, in the ticket)",
        _ => type,
    };

    public static bool IsTicketEvent(string type) => type.StartsWith("ticket.", StringComparison.Ordinal) || type.StartsWith("sla.", StringComparison.Ordinal)
        || type.StartsWith("approval.", StringComparison.Ordinal) || type == EscalationFired;
}

/// <summary>An admin's subscription of an outside system to the desk's events (Admin → Webhooks).</summary>
public class WebhookSubscription
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";

    /// <summary>The event types, space-separated (<see cref="WebhookEvents"/>).</summary>
    public string Events { get; set; } = "";

    /// <summary>Only events of this department's tickets; null for every department (asset events always go).</summary>
    public int? DepartmentId { get; set; }

    /// <summary>The signing secret, <c>whsec_</c> and base64 of its bytes (the Standard Webhooks form).</summary>
    public string Secret { get; set; } = "";

    public bool IsActive { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public string? CreatedById { get; set; }
    public int Version { get; set; }

    public bool Wants(string type, int? departmentId) =>
        IsActive && Events.Split(' ').Contains(type) && (DepartmentId is null || departmentId is null || DepartmentId == departmentId);
}

/// <summary>One attempt to deliver one event to one subscription: what the receiver answered.</summary>
public class WebhookDelivery
{
    public long Id { get; set; }
    public int SubscriptionId { get; set; }
    public long OutboxMessageId { get; set; }
    public string EventType { get; set; } = "";
    public int Attempt { get; set; }
    public DateTime At { get; set; }

    /// <summary>The HTTP status the receiver answered; null when no answer came (refused, timed out).</summary>
    public int? StatusCode { get; set; }

    public bool Succeeded { get; set; }

    /// <summary>The first bytes of the receiver's answer, or why there was none.</summary>
    public string? Response { get; set; }

    public int DurationMs { get; set; }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.Property(s => s.Name).HasMaxLength(100);
        b.HasIndex(s => s.Name).IsUnique();
        b.Property(s => s.Url).HasMaxLength(2000);
        b.Property(s => s.Events).HasMaxLength(500);
        b.Property(s => s.Secret).HasMaxLength(100);
        b.Property(s => s.CreatedById).HasMaxLength(450);
        b.Property(s => s.Version).IsConcurrencyToken();
        b.HasOne<Departments.Department>().WithMany().HasForeignKey(s => s.DepartmentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.Property(d => d.EventType).HasMaxLength(50);
        b.Property(d => d.Response).HasMaxLength(WebhookOutbox.ResponseKept + 100);
        b.HasIndex(d => new { d.SubscriptionId, d.Id });
        b.HasIndex(d => d.OutboxMessageId);
        b.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<OutboxMessage>().WithMany().HasForeignKey(d => d.OutboxMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// An event as the outbox keeps it until it is delivered: its type and instant, the ticket or asset it is about, who
/// caused it, and what changed, frozen when it happened. The ticket itself is read when the event is delivered, as the
/// API returns it then.
/// </summary>
public sealed record WebhookEnvelope(string Type, DateTime At, int? TicketId, int? AssetId, string? ActorId, JsonArray? Changes, JsonObject? Extra)
{
    public string Write() => JsonSerializer.Serialize(this, WebhookOutbox.Json);

    public static WebhookEnvelope Read(string body) => JsonSerializer.Deserialize<WebhookEnvelope>(body, WebhookOutbox.Json)
        ?? throw new InvalidOperationException("The event's body is empty.");
}

/// <summary>
/// Writes events for the subscriptions that want them into the outbox, in the caller's unit of work, so an event goes
/// out if and only if its change was committed; the dispatcher sends them in order per ticket and subscription.
/// </summary>
public static class WebhookOutbox
{
    public const int ResponseKept = 500;
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The outbox target of an event: the subscription's id.</summary>
    public static string Target(int subscriptionId) => subscriptionId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Queues the event for each active subscription that wants it. The caller sets <see cref="DeskDbContext.ActiveWebhooks"/>
    /// from <see cref="WebhookSubscriptionCache"/> first; without it they are read here.
    /// </summary>
    public static async Task AddAsync(DeskDbContext db, string eventKey, WebhookEnvelope e, int? departmentId, CancellationToken ct)
    {
        db.ActiveWebhooks ??= await db.WebhookSubscriptions.AsNoTracking().Where(s => s.IsActive).ToListAsync(ct);
        if (db.ActiveWebhooks.Count == 0)
            return;
        string? body = null;
        foreach (var subscription in db.ActiveWebhooks.Where(s => s.Wants(e.Type, departmentId)))
        {
            body ??= e.Write();
            db.OutboxMessages.Add(New(subscription.Id, eventKey, e, body));
        }
    }

    internal static OutboxMessage New(int subscriptionId, string eventKey, WebhookEnvelope e, string body) => new()
    {
        Channel = OutboxChannel.Event, EventKey = eventKey.Length > 200 ? eventKey[..200] : eventKey, Target = Target(subscriptionId),
        TicketId = e.TicketId, Subject = e.Type, Body = body,
        // Standard Webhooks' webhook-id: the same on every attempt, so receivers drop a repeat.
        IdempotencyKey = "msg_" + Guid.NewGuid().ToString("N"), Status = OutboxStatus.Pending, NextAttemptAt = e.At, CreatedAt = e.At,
    };
}

/// <summary>
/// The active subscriptions, read at most every few seconds per node instead of in every change's unit of work (a
/// filing would otherwise read them inside its write transaction). An admin's change on this node takes effect at once;
/// on another node within <see cref="Fresh"/>.
/// </summary>
public sealed class WebhookSubscriptionCache
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(5);

    private sealed record Entry(long At, List<WebhookSubscription> Active);

    private volatile Entry? _entry;

    public async Task<List<WebhookSubscription>> ActiveAsync(DeskDbContext db, CancellationToken ct)
    {
        if (_entry is { } e && Environment.TickCount64 - e.At < Fresh.TotalMilliseconds)
            return e.Active;
        var active = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.IsActive).ToListAsync(ct);
        _entry = new Entry(Environment.TickCount64, active);
        return active;
    }

    public void Invalidate() => _entry = null;
}

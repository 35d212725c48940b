using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Admin;

public sealed record WebhookRow(int Id, string Name, string Url, IReadOnlyList<string> Events, int? DepartmentId, string? Department, bool IsActive,
    int Version, DateTime CreatedAt, int Pending, int Dead, WebhookDeliveryRow? Last);

public sealed record WebhookInput(string? Name, string? Url, IReadOnlyCollection<string>? Events, int? DepartmentId, bool IsActive = true);

public sealed record WebhookDeliveryRow(long Id, long MessageId, string EventType, int Attempt, DateTime At, int? StatusCode, bool Succeeded,
    string? Response, int DurationMs);

/// <summary>One event for one subscription, as the outbox holds it: its Standard Webhooks id, state and attempts.</summary>
public sealed record WebhookEventRow(long MessageId, string WebhookId, string Type, int? TicketId, string? TicketKey, OutboxStatus Status,
    int Attempts, DateTime CreatedAt, DateTime? SentAt, DateTime NextAttemptAt, string? LastError);

/// <summary>
/// Admin → Webhooks: subscriptions of outside systems to the desk's events, their secrets, the events waiting or sent
/// for each and every attempt's answer; redelivery and a test event. Admins only.
/// </summary>
public sealed class WebhookAdminService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, WebhookSubscriptionCache cache)
{
    public const string SecretPrefix = "whsec_";

    public async Task<IReadOnlyList<WebhookRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var counts = await db.OutboxMessages.AsNoTracking().Where(m => m.Channel == OutboxChannel.Event && m.Status != OutboxStatus.Sent)
            .GroupBy(m => new { m.Target, m.Status }).Select(g => new { g.Key.Target, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        var lastIds = await db.WebhookDeliveries.AsNoTracking().GroupBy(d => d.SubscriptionId).Select(g => g.Max(d => d.Id)).ToListAsync(ct);
        var last = await db.WebhookDeliveries.AsNoTracking().Where(d => lastIds.Contains(d.Id)).ToDictionaryAsync(d => d.SubscriptionId, ct);
        return subscriptions.Select(s =>
        {
            var target = WebhookOutbox.Target(s.Id);
            int Count(OutboxStatus status) => counts.Where(c => c.Target == target && c.Status == status).Sum(c => c.Count);
            return new WebhookRow(s.Id, s.Name, s.Url, EventsOf(s), s.DepartmentId, s.DepartmentId is { } d ? departments.GetValueOrDefault(d) : null,
                s.IsActive, s.Version, s.CreatedAt, Count(OutboxStatus.Pending), Count(OutboxStatus.Dead),
                last.TryGetValue(s.Id, out var l) ? Row(l) : null);
        }).ToList();
    }

    /// <summary>Makes a subscription with a new secret; returns its id and the secret.</summary>
    public async Task<(int Id, string Secret)> CreateAsync(Actor actor, WebhookInput input, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var subscription = new WebhookSubscription { CreatedAt = clock.GetUtcNow().UtcDateTime, CreatedById = actor.UserId, Secret = NewSecret(), Version = 1 };
        await ApplyAsync(db, subscription, input, ct);
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return (subscription.Id, subscription.Secret);
    }

    /// <summary>Saves an edit; a conflict when another admin saved since <paramref name="expectedVersion"/>.</summary>
    public async Task<int> UpdateAsync(Actor actor, int id, int expectedVersion, WebhookInput input, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var subscription = await FindAsync(db, id, ct);
        if (subscription.Version != expectedVersion)
            throw new DeskConflictException($"The webhook \"{subscription.Name}\" was changed by someone else since you opened it; your edit is kept: look and save again.");
        await ApplyAsync(db, subscription, input, ct);
        subscription.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DeskConflictException($"The webhook \"{subscription.Name}\" was changed by someone else while you saved; your edit is kept: look and save again.");
        }

        cache.Invalidate();
        return subscription.Version;
    }

    /// <summary>The signing secret, for an admin to give the receiver.</summary>
    public async Task<string> SecretAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return (await FindAsync(db, id, ct)).Secret;
    }

    /// <summary>A new secret at once (the old one stops signing); returns it.</summary>
    public async Task<string> RotateSecretAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var subscription = await FindAsync(db, id, ct);
        subscription.Secret = NewSecret();
        subscription.Version++;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        // The secret itself is never on the trail; that it changed is.
        await AuditTrail.AppendAsync(db, [new Audit.AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, ActorKind = Audit.AuditActorKind.User, ActorId = actor.UserId, Action = "webhook.secret-rotated",
            EntityType = "webhook", EntityId = id.ToString(System.Globalization.CultureInfo.InvariantCulture), Source = actor.Source ?? "portal",
        }], ct);
        await tx.CommitAsync(ct);
        cache.Invalidate();
        return subscription.Secret;
    }

    /// <summary>Deletes a subscription, its delivery log and the events still waiting for it.</summary>
    public async Task DeleteAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var subscription = await FindAsync(db, id, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var target = WebhookOutbox.Target(id);
        await db.OutboxMessages.Where(m => m.Channel == OutboxChannel.Event && m.Target == target).ExecuteDeleteAsync(ct);
        db.WebhookSubscriptions.Remove(subscription);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        cache.Invalidate();
    }

    /// <summary>The subscription's events, newest first.</summary>
    public async Task<IReadOnlyList<WebhookEventRow>> EventsAsync(Actor actor, int id, int take = 50, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var target = WebhookOutbox.Target(id);
        return await db.OutboxMessages.AsNoTracking().Where(m => m.Channel == OutboxChannel.Event && m.Target == target)
            .OrderByDescending(m => m.Id).Take(Math.Clamp(take, 1, 500))
            .Select(m => new WebhookEventRow(m.Id, m.IdempotencyKey, m.Subject, m.TicketId, db.Tickets.Where(t => t.Id == m.TicketId).Select(t => t.Key).FirstOrDefault(),
                m.Status, m.Attempts, m.CreatedAt, m.SentAt, m.NextAttemptAt, m.LastError))
            .ToListAsync(ct);
    }

    /// <summary>Every attempt of one event, or the subscription's latest attempts, newest first.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRow>> DeliveriesAsync(Actor actor, int id, long? messageId = null, int take = 50, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id);
        if (messageId is { } m)
            query = query.Where(d => d.OutboxMessageId == m);
        return (await query.OrderByDescending(d => d.Id).Take(Math.Clamp(take, 1, 500)).ToListAsync(ct)).Select(Row).ToList();
    }

    /// <summary>
    /// Puts an event (sent, given up on, or waiting) back in line with a fresh count of attempts, under its own webhook-id;
    /// the caller sends it at once. Later events of the same ticket wait for it, as they would for a retry.
    /// </summary>
    public async Task RedeliverAsync(Actor actor, int id, long messageId, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var target = WebhookOutbox.Target(id);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.OutboxMessages.Where(m => m.Id == messageId && m.Channel == OutboxChannel.Event && m.Target == target)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Pending).SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, now).SetProperty(m => m.SentAt, (DateTime?)null), ct);
        if (changed == 0)
            throw new DeskNotFoundException("That event is not in this webhook's log (it may have been deleted).");
    }

    /// <summary>Queues a <c>webhook.test</c> event for the subscription (even a switched-off one) and returns its message id.</summary>
    public async Task<long> AddTestEventAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Require(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var subscription = await FindAsync(db, id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var envelope = new WebhookEnvelope(WebhookEvents.Test, now, null, null, actor.UserId, null,
            new System.Text.Json.Nodes.JsonObject { ["webhook"] = subscription.Name, ["message"] = "A test event from InternalDesk." });
        var message = WebhookOutbox.New(subscription.Id, $"{WebhookEvents.Test}:{Guid.NewGuid():N}", envelope, envelope.Write());
        db.OutboxMessages.Add(message);
        await db.SaveChangesAsync(ct);
        return message.Id;
    }

    private static async Task<WebhookSubscription> FindAsync(DeskDbContext db, int id, CancellationToken ct) =>
        await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new DeskNotFoundException($"Webhook {id} does not exist.");

    private static async Task ApplyAsync(DeskDbContext db, WebhookSubscription s, WebhookInput input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        errors.Required("name", name, "Name");
        errors.MaxLength("name", name, 100, "Name");
        if (name.Length > 0 && await db.WebhookSubscriptions.AnyAsync(o => o.Name == name && o.Id != s.Id, ct))
            errors.Add("name", $"Name: another webhook is called \"{name}\".");
        var url = input.Url?.Trim() ?? "";
        errors.Required("url", url, "URL");
        errors.MaxLength("url", url, 2000, "URL");
        if (url.Length > 0 && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
            errors.Add("url", "URL: an address starting with https:// (or http:// inside your network), e.g. https://siem.example.org/hooks/desk.");
        var events = (input.Events ?? []).Select(e => e.Trim().ToLowerInvariant()).Where(e => e.Length > 0).Distinct().ToList();
        if (events.Count == 0)
            errors.Add("events", "Events: choose at least one.");
        else if (events.FirstOrDefault(e => !WebhookEvents.All.Contains(e)) is { } unknown)
            errors.Add("events", $"Events: \"{unknown}\" is not an event; the events are {string.Join(", ", WebhookEvents.All)}.");
        if (input.DepartmentId is { } d && !await db.Departments.AnyAsync(x => x.Id == d, ct))
            errors.Add("departmentId", "Department: that department does not exist.");
        errors.ThrowIfAny();
        s.Name = name;
        s.Url = url;
        s.Events = string.Join(' ', WebhookEvents.All.Where(events.Contains));
        s.DepartmentId = input.DepartmentId;
        s.IsActive = input.IsActive;
    }

    private static IReadOnlyList<string> EventsOf(WebhookSubscription s) => s.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static WebhookDeliveryRow Row(WebhookDelivery d) =>
        new(d.Id, d.OutboxMessageId, d.EventType, d.Attempt, d.At, d.StatusCode, d.Succeeded, d.Response, d.DurationMs);

    private static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    private static void Require(Actor actor) => Access.RequireAdmin(actor, "Only admins can see and change webhooks.");
}

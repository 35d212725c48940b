using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Notifications;

public sealed record NotificationView(long Id, int? TicketId, string? TicketKey, string Text, DateTime CreatedAt, bool IsRead);

/// <summary>
/// A person's in-app notifications (only their own, newest first), and the writing of every notification: in-app,
/// plus an email per recipient and a message per matching webhook into the outbox, in the caller's transaction.
/// </summary>
public sealed class NotificationService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, IOptions<DeliveryOptions> delivery,
    TicketChangeFeed feed)
{
    private readonly ConcurrentDictionary<string, (long Generation, long Reads, Task<int> Count)> _shared = new();
    private long _reads;

    public async Task<int> UnreadCountAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.Notifications.CountAsync(n => n.UserId == actor.UserId && n.ReadAt == null, ct);
    }

    /// <summary>
    /// The unread count for the bell, shared by all of a person's open pages: notifications are only written by
    /// changes that are published, and only read through this service, so a count taken since the last published
    /// change and the last "mark read" is still right, and one query serves every screen the person has open.
    /// </summary>
    public Task<int> UnreadCountSharedAsync(Actor actor)
    {
        var generation = feed.Generation;
        var reads = Interlocked.Read(ref _reads);
        if (_shared.TryGetValue(actor.UserId, out var entry) && entry.Generation == generation && entry.Reads == reads && !entry.Count.IsFaulted)
            return entry.Count;
        var count = UnreadCountAsync(actor);
        _shared[actor.UserId] = (generation, reads, count);
        return count;
    }

    public async Task<IReadOnlyList<NotificationView>> ListAsync(Actor actor, int take = 100, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.Notifications.AsNoTracking().Where(n => n.UserId == actor.UserId)
            .OrderByDescending(n => n.Id).Take(Math.Clamp(take, 1, 500))
            .Select(n => new NotificationView(n.Id, n.TicketId, db.Tickets.Where(t => t.Id == n.TicketId).Select(t => t.Key).FirstOrDefault(),
                n.Text, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(ct);
    }

    /// <summary>Marks one of the actor's own notifications read (someone else's is left alone, as if it did not exist).</summary>
    public async Task MarkReadAsync(Actor actor, long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Notifications.Where(n => n.Id == id && n.UserId == actor.UserId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        Interlocked.Increment(ref _reads);
    }

    public async Task MarkAllReadAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Notifications.Where(n => n.UserId == actor.UserId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
        Interlocked.Increment(ref _reads);
    }

    /// <summary>
    /// Tells the recipients (each once, leaving out the person who caused it) that <paramref name="what"/> happened to
    /// the ticket, over the channels each chose for this kind of event (in-app, email when configured, SMS for urgent
    /// tickets when a gateway is configured), and to the webhooks configured for its department.
    /// <paramref name="eventKey"/> names the event (a level firing, a rule run): the outbox refuses a second message
    /// for the same event, channel and target.
    /// </summary>
    /// <summary>The outbox target of a letter to an address without an account.</summary>
    public const string AddressTarget = "mailto:";

    /// <summary>The event key prefix of a letter: an email whose subject and text the caller wrote (an acknowledgement, a refusal).</summary>
    public const string LetterPrefix = "letter:";

    /// <summary>
    /// An email the caller wrote, to a user (by id) or to an address (<see cref="AddressTarget"/>), in the caller's unit of
    /// work; the dispatcher sends it like any other. With a ticket, it is made to be answered (the ticket's reply key).
    /// </summary>
    public void AddLetter(DeskDbContext db, string target, int? ticketId, string eventKey, string subject, string text, DateTime now)
    {
        if (!delivery.Value.Email.Enabled)
            return;
        db.OutboxMessages.Add(new OutboxMessage
        {
            Channel = OutboxChannel.Email, EventKey = LetterPrefix + eventKey, Target = target, TicketId = ticketId, Subject = subject, Body = text,
            IdempotencyKey = Guid.NewGuid().ToString("N"), Status = OutboxStatus.Pending, NextAttemptAt = now, CreatedAt = now,
        });
    }

    public async Task AddAsync(DeskDbContext db, IEnumerable<string> recipients, string? causedBy, Ticket ticket, string eventKey,
        NotificationEvent kind, string what, DateTime now, CancellationToken ct = default)
    {
        var options = delivery.Value;
        var headline = $"[{ticket.Key}] {what}";
        // The department's code as it is now (a key keeps the code the ticket was filed under); read once per unit of work.
        var department = (ticket.Department ?? await db.Departments.FindAsync([ticket.DepartmentId], ct))!.Code;
        var due = ticket.SlaDueAt is { } at ? (at < now ? $"overdue since {at:yyyy-MM-dd HH:mm} UTC" : $"due {at:yyyy-MM-dd HH:mm} UTC") : "no target running";
        var values = new MessageValues(ticket.Key, ticket.Title, what, Display.Status(ticket.Status), ticket.Priority.ToString(), due,
            department, $"{options.BaseUrl.TrimEnd('/')}/tickets/{ticket.Id}", eventKey, now, ticket.Id).Write();
        var people = recipients.Where(r => r != causedBy).Distinct().ToList();
        // A catalog request's task is department work: its requester hears of the request, never of the task's replies
        // and states (a mention or an assignment reaches her only as staff).
        if (!TicketAccess.RequesterTakesPart(ticket) && kind is NotificationEvent.Reply or NotificationEvent.RequestUpdate)
            people.Remove(ticket.RequesterId);
        var chosen = people.Count == 0 ? [] : await PreferenceService.ResolveAsync(db, people, ct);
        foreach (var userId in people)
        {
            var channels = chosen.GetValueOrDefault((userId, kind), PreferenceService.BuiltInDefault);
            if (channels.HasFlag(NotificationChannels.InApp))
            {
                db.Notifications.Add(new Notification { UserId = userId, TicketId = ticket.Id, Text = headline, CreatedAt = now });
                db.NotifiedUsers.Add(userId);
            }
            if (channels.HasFlag(NotificationChannels.Email) && options.Email.Enabled)
                db.OutboxMessages.Add(New(OutboxChannel.Email, userId));
            if (channels.HasFlag(NotificationChannels.Sms) && options.Sms.Enabled && ticket.Priority >= options.Sms.MinimumPriority)
                db.OutboxMessages.Add(New(OutboxChannel.Sms, userId));
        }

        foreach (var hook in options.Webhooks.Where(h => h.Departments.Count == 0 || h.Departments.Contains(department, StringComparer.OrdinalIgnoreCase)))
            db.OutboxMessages.Add(New(OutboxChannel.Webhook, hook.Name));

        // The texts are made from the templates when the message is sent, so a template mistake shows on the
        // message (and can be mended and retried) instead of failing the change that caused it.
        OutboxMessage New(OutboxChannel channel, string target) => new()
        {
            Channel = channel, EventKey = eventKey, Target = target, TicketId = ticket.Id, Subject = headline, Body = values,
            IdempotencyKey = Guid.NewGuid().ToString("N"), Status = OutboxStatus.Pending, NextAttemptAt = now, CreatedAt = now,
        };
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Notifications;

public sealed record NotificationView(long Id, int? TicketId, string? TicketKey, string Text, DateTime CreatedAt, bool IsRead);

/// <summary>A person's in-app notifications: only their own, newest first.</summary>
public sealed class NotificationService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock)
{
    public async Task<int> UnreadCountAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.CountAsync(n => n.UserId == actor.UserId && n.ReadAt == null, ct);
    }

    public async Task<IReadOnlyList<NotificationView>> ListAsync(Actor actor, int take = 100, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Notifications.AsNoTracking().Where(n => n.UserId == actor.UserId)
            .OrderByDescending(n => n.Id).Take(Math.Clamp(take, 1, 500))
            .Select(n => new NotificationView(n.Id, n.TicketId, db.Tickets.Where(t => t.Id == n.TicketId).Select(t => t.Key).FirstOrDefault(),
                n.Text, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(ct);
    }

    public async Task MarkAllReadAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await db.Notifications.Where(n => n.UserId == actor.UserId && n.ReadAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }

    /// <summary>Adds one notification per distinct recipient, leaving out the person who caused it.</summary>
    public static void Add(DeskDbContext db, IEnumerable<string> recipients, string? causedBy, int? ticketId, string text, DateTime now)
    {
        foreach (var userId in recipients.Where(r => r != causedBy).Distinct())
            db.Notifications.Add(new Notification { UserId = userId, TicketId = ticketId, Text = text, CreatedAt = now });
    }
}

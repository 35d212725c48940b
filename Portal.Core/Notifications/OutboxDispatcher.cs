using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Notifications;

public sealed record DispatchResult(int Sent, int Retrying, int Dead);

public sealed record OutboxRow(long Id, OutboxChannel Channel, string Target, string? TargetName, int? TicketId, string Subject, OutboxStatus Status,
    int Attempts, DateTime NextAttemptAt, string? LastError, DateTime CreatedAt, DateTime? SentAt);

/// <summary>
/// Sends what the outbox holds. Each message is claimed with a guarded write (its attempt count and a lease on its
/// next attempt), so two dispatchers never send it at once; it is marked sent only after its channel accepted it. A
/// failure waits with exponential backoff and, after the configured number of attempts, moves to dead letter for an
/// admin to see and retry. One failing message or channel never holds up the others.
/// </summary>
public sealed class OutboxDispatcher(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, IOptions<DeliveryOptions> options,
    IEnumerable<INotificationChannel> channels, ILogger<OutboxDispatcher>? log = null)
{
    /// <summary>How long a claimed message waits before another attempt, should the sender die before marking it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly ILogger _log = log ?? NullLogger<OutboxDispatcher>.Instance;

    public async Task<DispatchResult> DispatchAsync(int max = 200, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<(long Id, int Attempts)> due;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // An event for a webhook subscription waits while an earlier one of the same ticket to the same subscription is
            // still pending (retrying), so receivers get a ticket's events in the order they happened.
            due = (await db.OutboxMessages.AsNoTracking().Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
                .Where(m => m.Channel != OutboxChannel.Event || m.TicketId == null || !db.OutboxMessages.Any(o => o.Status == OutboxStatus.Pending
                    && o.Channel == OutboxChannel.Event && o.Target == m.Target && o.TicketId == m.TicketId && o.Id < m.Id))
                .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id).Take(max).Select(m => new { m.Id, m.Attempts }).ToListAsync(ct))
                .Select(m => (m.Id, m.Attempts)).ToList();
        }

        int sent = 0, retrying = 0, dead = 0;
        foreach (var (id, attempts) in due)
        {
            ct.ThrowIfCancellationRequested();
            switch (await SendAsync(id, attempts, now, ct))
            {
                case OutboxStatus.Sent: sent++; break;
                case OutboxStatus.Pending: retrying++; break;
                case OutboxStatus.Dead: dead++; break;
            }
        }

        return new DispatchResult(sent, retrying, dead);
    }

    /// <summary>
    /// Sends one pending message now, whatever its next attempt says (an admin's "Send test event" or "Redeliver"), and
    /// says how it went: Sent, Pending (it failed and will be retried) or Dead; null when another dispatcher has it.
    /// </summary>
    public async Task<OutboxStatus?> SendNowAsync(long id, CancellationToken ct = default)
    {
        int attempts;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var message = await db.OutboxMessages.AsNoTracking().Where(m => m.Id == id && m.Status == OutboxStatus.Pending)
                .Select(m => new { m.Attempts, m.NextAttemptAt }).FirstOrDefaultAsync(ct);
            if (message is null)
                return null;
            attempts = message.Attempts;
            var now = clock.GetUtcNow().UtcDateTime;
            if (message.NextAttemptAt > now
                && await db.OutboxMessages.Where(m => m.Id == id && m.Attempts == attempts && m.Status == OutboxStatus.Pending)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, now), ct) == 0)
                return null;
        }

        return await SendAsync(id, attempts, clock.GetUtcNow().UtcDateTime, ct);
    }

    /// <summary>Claims one message, sends it and records how it went; null when another dispatcher claimed it first.</summary>
    private async Task<OutboxStatus?> SendAsync(long id, int attempts, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var leaseEnd = now + Lease;
        var claimed = await db.OutboxMessages
            .Where(m => m.Id == id && m.Status == OutboxStatus.Pending && m.Attempts == attempts && m.NextAttemptAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, attempts + 1).SetProperty(m => m.NextAttemptAt, leaseEnd), ct);
        if (claimed == 0)
            return null; // another dispatcher has it
        var message = await db.OutboxMessages.AsNoTracking().FirstAsync(m => m.Id == id, ct);
        try
        {
            var channel = channels.FirstOrDefault(c => c.Channel == message.Channel)
                ?? throw new InvalidOperationException($"No {message.Channel} channel is set up.");
            await channel.SendAsync(message, ct);
            var at = clock.GetUtcNow().UtcDateTime;
            await using (var tx = await db.Database.BeginTransactionAsync(CancellationToken.None))
            {
                await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Sent)
                    .SetProperty(m => m.SentAt, at).SetProperty(m => m.LastError, (string?)null), CancellationToken.None);
                await Persistence.AuditTrail.AppendAsync(db, [Audited(message, "notification.sent", at, null)], CancellationToken.None);
                await tx.CommitAsync(CancellationToken.None);
            }

            return OutboxStatus.Sent;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var error = Describe(ex);
            var giveUp = message.Attempts >= Math.Max(1, options.Value.MaxAttempts);
            var next = now + Backoff(message.Attempts);
            await using (var tx = await db.Database.BeginTransactionAsync(CancellationToken.None))
            {
                await db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
                    .SetProperty(m => m.Status, giveUp ? OutboxStatus.Dead : OutboxStatus.Pending)
                    .SetProperty(m => m.NextAttemptAt, next).SetProperty(m => m.LastError, error), CancellationToken.None);
                if (giveUp)
                    await Persistence.AuditTrail.AppendAsync(db, [Audited(message, "notification.failed", clock.GetUtcNow().UtcDateTime, error)], CancellationToken.None);
                await tx.CommitAsync(CancellationToken.None);
            }

            if (!giveUp)
                return OutboxStatus.Pending;
            _log.LogWarning("Gave up on {Channel} message {Id} to {Target} after {Attempts} attempts: {Error}", message.Channel, id,
                message.Target, message.Attempts, error);
            return OutboxStatus.Dead;
        }
    }

    /// <summary>A delivery (or a message given up on) as the audit trail records it: channel, recipient and subject, never the body.</summary>
    private static Audit.AuditEntry Audited(OutboxMessage message, string action, DateTime at, string? error) => new()
    {
        At = at,
        ActorKind = Audit.AuditActorKind.Job,
        ActorId = "outbox",
        Action = action,
        EntityType = "outbox-message",
        EntityId = message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TicketId = message.TicketId,
        After = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["Channel"] = message.Channel.ToString(), ["Target"] = message.Target, ["Subject"] = message.Subject, ["Event"] = message.EventKey,
            ["Attempts"] = message.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), ["Error"] = error,
        }, Persistence.AuditJson.Options),
        Source = "scheduler",
    };

    /// <summary>After the first failure the first retry delay, then twice as long each time, at most an hour.</summary>
    public TimeSpan Backoff(int attempts)
    {
        var first = options.Value.FirstRetryAfter;
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 20));
        return TimeSpan.FromTicks((long)Math.Min(TimeSpan.FromHours(1).Ticks, first.Ticks * factor));
    }

    /// <summary>The outbox for admins: newest first, optionally one status only.</summary>
    public async Task<IReadOnlyList<OutboxRow>> ListAsync(Actor actor, OutboxStatus? status = null, int take = 200, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var query = db.OutboxMessages.AsNoTracking();
        if (status is { } s)
            query = query.Where(m => m.Status == s);
        return await query.OrderByDescending(m => m.Id).Take(Math.Clamp(take, 1, 1000))
            .Select(m => new OutboxRow(m.Id, m.Channel, m.Target, db.Users.Where(u => u.Id == m.Target).Select(u => u.DisplayName).FirstOrDefault(),
                m.TicketId, m.Subject, m.Status, m.Attempts, m.NextAttemptAt, m.LastError, m.CreatedAt, m.SentAt))
            .ToListAsync(ct);
    }

    /// <summary>Puts a dead message back in line for an immediate attempt (with a fresh count of attempts).</summary>
    public async Task RetryAsync(Actor actor, long id, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var changed = await db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Dead)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Pending).SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, now), ct);
        if (changed == 0)
            throw new DeskNotFoundException("That message is not in dead letter (it may have been retried already).");
    }

    /// <summary>Puts every dead message back in line (after a mail server outage, say); returns how many.</summary>
    public async Task<int> RetryAllDeadAsync(Actor actor, CancellationToken ct = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.OutboxMessages.Where(m => m.Status == OutboxStatus.Dead)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Pending).SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, now), ct);
    }

    private static void RequireAdmin(Actor actor)
    {
        if (!actor.IsAdmin)
            throw new DeskForbiddenException("Only admins can see and retry the outbox.");
    }

    private static string Describe(Exception ex)
    {
        var text = ex is AggregateException { InnerException: { } inner } ? inner.Message : ex.Message;
        return text.Length > 1900 ? text[..1900] : text;
    }
}

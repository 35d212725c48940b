namespace Portal.Core.Notifications;

public enum OutboxChannel
{
    Email,
    Webhook,
    Sms,

    /// <summary>An event for an admin's webhook subscription (Admin → Webhooks), signed the Standard Webhooks way.</summary>
    Event,
}

public enum OutboxStatus
{
    /// <summary>Waiting for its next attempt (or its first).</summary>
    Pending,

    /// <summary>The channel accepted it.</summary>
    Sent,

    /// <summary>Gave up after the configured number of attempts; an admin may retry it.</summary>
    Dead,
}

/// <summary>
/// One message to send over one channel, written in the same transaction as the change that caused it. The
/// dispatcher claims it with a lease (its next attempt moved past the send), sends it, and marks it sent only after
/// the channel accepted it; a crash in between leaves it to be sent again when the lease ends, with the same
/// idempotency key, so a receiver can drop the repeat.
/// </summary>
public class OutboxMessage
{
    public long Id { get; set; }
    public OutboxChannel Channel { get; set; }

    /// <summary>What caused it (an escalation level firing, a rule run): with the channel and target, unique, so one event never tells someone twice.</summary>
    public string EventKey { get; set; } = "";

    /// <summary>For email and SMS: the user to write to (their address or number is read when sending). For webhooks: the webhook's name.</summary>
    public string Target { get; set; } = "";

    public int? TicketId { get; set; }
    public string Subject { get; set; } = "";
    public string Body { get; set; } = "";
    public string IdempotencyKey { get; set; } = "";
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
}

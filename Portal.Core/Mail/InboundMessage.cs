using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Mail;

/// <summary>What became of a message that reached the desk.</summary>
public enum MailOutcome
{
    /// <summary>A new request.</summary>
    Created,

    /// <summary>A reply on a ticket.</summary>
    Replied,

    /// <summary>Seen before (the same Message-Id, or the same bytes): nothing changed.</summary>
    Duplicate,

    /// <summary>An auto-reply, a bounce, bulk mail or the desk's own: no ticket, no answer.</summary>
    Ignored,

    /// <summary>Not taken (a sender from outside the organisation): told so, no ticket.</summary>
    Refused,

    /// <summary>Held for an admin (a flood from one sender, a message that could not be handled): Retry or Drop.</summary>
    Quarantined,

    /// <summary>A quarantined message an admin dropped.</summary>
    Dropped,
}

/// <summary>
/// One message the desk took in, by its key (its Message-Id, or a hash of its bytes when it has none), written in the
/// same transaction as the ticket change it caused, so a message fetched again after a crash changes nothing.
/// </summary>
public class InboundMessage
{
    public long Id { get; set; }

    /// <summary>"&lt;id@host&gt;" as the message says, or "sha256:..." of its bytes. Unique.</summary>
    public string MessageKey { get; set; } = "";
    public int? MailboxId { get; set; }
    public string From { get; set; } = "";
    public string Subject { get; set; } = "";

    /// <summary>UTC, when the desk took it in.</summary>
    public DateTime ReceivedAt { get; set; }
    public MailOutcome Outcome { get; set; }

    /// <summary>In words: "new request IT-123", "ignored: auto-reply", "quarantined: 21 messages in 10 minutes".</summary>
    public string Detail { get; set; } = "";
    public int? TicketId { get; set; }

    /// <summary>The message as it came, kept while it is quarantined (for Retry), dropped once it is handled.</summary>
    public byte[]? Raw { get; set; }
}

internal sealed class InboundMessageConfiguration : IEntityTypeConfiguration<InboundMessage>
{
    public void Configure(EntityTypeBuilder<InboundMessage> b)
    {
        b.Property(m => m.MessageKey).HasMaxLength(400);
        b.HasIndex(m => m.MessageKey).IsUnique();
        b.Property(m => m.From).HasMaxLength(254);
        b.Property(m => m.Subject).HasMaxLength(400);
        b.Property(m => m.Detail).HasMaxLength(1000);
        b.Property(m => m.Outcome).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(m => new { m.From, m.ReceivedAt });
        b.HasIndex(m => new { m.Outcome, m.ReceivedAt });
        b.HasOne<Departments.Mailbox>().WithMany().HasForeignKey(m => m.MailboxId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Tickets.Ticket>().WithMany().HasForeignKey(m => m.TicketId).OnDelete(DeleteBehavior.SetNull);
    }
}

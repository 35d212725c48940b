using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Tickets;

public enum TicketLinkKind
{
    /// <summary>About the same thing; shown on both tickets.</summary>
    Related,

    /// <summary>This ticket (from) repeats another (to), into which it was merged.</summary>
    DuplicateOf,

    /// <summary>This ticket (from) was caused by another (to), e.g. an incident by a change.</summary>
    CausedBy,
}

/// <summary>A link between two tickets, stored once, read from both ends.</summary>
public class TicketLink
{
    public int Id { get; set; }
    public int FromTicketId { get; set; }
    public int ToTicketId { get; set; }
    public TicketLinkKind Kind { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? CreatedById { get; set; }
}

internal sealed class TicketLinkConfiguration : IEntityTypeConfiguration<TicketLink>
{
    public void Configure(EntityTypeBuilder<TicketLink> b)
    {
        b.Property(l => l.Kind).HasConversion<string>().HasMaxLength(20);
        b.HasIndex(l => new { l.FromTicketId, l.ToTicketId, l.Kind }).IsUnique();
        b.HasIndex(l => l.ToTicketId);
        b.HasOne<Ticket>().WithMany().HasForeignKey(l => l.FromTicketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Ticket>().WithMany().HasForeignKey(l => l.ToTicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.ActorKind).HasConversion<string>().HasMaxLength(10);
        b.Property(e => e.ActorId).HasMaxLength(450);
        b.Property(e => e.Action).HasMaxLength(60);
        b.Property(e => e.EntityType).HasMaxLength(40);
        b.Property(e => e.EntityId).HasMaxLength(100);
        b.Property(e => e.Source).HasMaxLength(100);
        b.Property(e => e.PrevHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);
        b.HasIndex(e => new { e.TicketId, e.Id });
        b.HasIndex(e => new { e.ActorId, e.Id });
        b.HasIndex(e => new { e.Action, e.Id });
        b.HasIndex(e => e.At);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Complaints;

internal sealed class ComplaintConfiguration : IEntityTypeConfiguration<Complaint>
{
    public void Configure(EntityTypeBuilder<Complaint> b)
    {
        b.HasKey(c => c.TicketId);
        b.HasOne(c => c.Ticket).WithOne().HasForeignKey<Complaint>(c => c.TicketId).OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.Complainant).HasMaxLength(ComplaintLimits.Short);
        b.Property(c => c.ComplainantContact).HasMaxLength(ComplaintLimits.Short);
        b.Property(c => c.AboutDetail).HasMaxLength(ComplaintLimits.Short);
        b.Property(c => c.RootCause).HasMaxLength(ComplaintLimits.Long);
        b.Property(c => c.Redress).HasMaxLength(ComplaintLimits.Long);
        b.Property(c => c.LessonsLearned).HasMaxLength(ComplaintLimits.Long);
        b.Property(c => c.Channel).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.About).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Severity).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(20);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.HasIndex(c => c.ReceivedAt);
    }
}

public static class ComplaintLimits
{
    public const int Short = 200;
    public const int Long = 4000;
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Sla;

/// <summary>
/// Durable work after an admin's edit of a policy, calendar or escalation path: recompute the open tickets it may
/// touch. Written in the edit's own transaction and worked through in batches by the node holding the sweep lease,
/// which records how far it got after each batch, so a restart (or another node taking over) carries on from there.
/// </summary>
public class SlaRecompute
{
    public long Id { get; set; }
    public DateTime RequestedAt { get; set; }

    /// <summary>What the edit was, for the log ("policy VIP", "calendar Berlin office").</summary>
    public string Reason { get; set; } = "";

    /// <summary>Only tickets under these policies (comma-separated ids); every open ticket when null.</summary>
    public string? PolicyIds { get; set; }

    /// <summary>Only tickets of this department; any department when null.</summary>
    public int? DepartmentId { get; set; }

    /// <summary>Tickets up to this id are done.</summary>
    public int AfterTicketId { get; set; }
    public int Recomputed { get; set; }
    public DateTime? FinishedAt { get; set; }

    public IReadOnlyList<int> PolicyIdList() =>
        PolicyIds is null ? [] : PolicyIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
}

internal sealed class SlaRecomputeConfiguration : IEntityTypeConfiguration<SlaRecompute>
{
    public void Configure(EntityTypeBuilder<SlaRecompute> b)
    {
        b.ToTable("SlaRecomputes");
        b.Property(r => r.Reason).HasMaxLength(200);
        b.Property(r => r.PolicyIds).HasMaxLength(2000);
        b.HasIndex(r => r.FinishedAt);
    }
}

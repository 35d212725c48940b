using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Assets;

internal sealed class AssetTypeConfiguration : IEntityTypeConfiguration<AssetType>
{
    public void Configure(EntityTypeBuilder<AssetType> b)
    {
        b.Property(t => t.Name).HasMaxLength(100);
        b.HasIndex(t => t.Name).IsUnique();
    }
}

internal sealed class AssetFieldConfiguration : IEntityTypeConfiguration<AssetField>
{
    public void Configure(EntityTypeBuilder<AssetField> b)
    {
        b.Property(f => f.Label).HasMaxLength(100);
        b.Property(f => f.Options).HasMaxLength(4000);
        b.Property(f => f.Kind).HasConversion<string>().HasMaxLength(20);
        b.HasOne<AssetType>().WithMany(t => t.Fields).HasForeignKey(f => f.AssetTypeId);
        b.Ignore(f => f.OptionList);
    }
}

internal sealed class AssetConfiguration : IEntityTypeConfiguration<Asset>
{
    public void Configure(EntityTypeBuilder<Asset> b)
    {
        b.Property(a => a.Tag).HasMaxLength(AssetLimits.Tag);
        b.Property(a => a.TagKey).HasMaxLength(AssetLimits.Tag);
        b.HasIndex(a => a.TagKey).IsUnique();
        b.Property(a => a.Serial).HasMaxLength(AssetLimits.Short);
        b.HasIndex(a => a.Serial);
        b.Property(a => a.Name).HasMaxLength(AssetLimits.Name);
        b.Property(a => a.Make).HasMaxLength(AssetLimits.Short);
        b.Property(a => a.Model).HasMaxLength(AssetLimits.Short);
        b.Property(a => a.Site).HasMaxLength(AssetLimits.Short);
        b.Property(a => a.Building).HasMaxLength(AssetLimits.Short);
        b.Property(a => a.Floor).HasMaxLength(AssetLimits.Short);
        b.Property(a => a.Room).HasMaxLength(AssetLimits.Short);
        b.Property(a => a.Notes).HasMaxLength(AssetLimits.Notes);
        b.Property(a => a.SearchText).HasMaxLength(2000);
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.HasIndex(a => new { a.DepartmentId, a.TagKey });
        b.HasIndex(a => new { a.DepartmentId, a.Status });
        b.HasIndex(a => new { a.Site, a.Building, a.Floor, a.Room });
        b.HasIndex(a => a.AssignedToId);
        b.HasIndex(a => a.WarrantyEnd);
        b.HasOne(a => a.Type).WithMany().HasForeignKey(a => a.TypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(a => a.Department).WithMany().HasForeignKey(a => a.DepartmentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(a => a.AssignedTo).WithMany().HasForeignKey(a => a.AssignedToId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class AssetFieldValueConfiguration : IEntityTypeConfiguration<AssetFieldValue>
{
    public void Configure(EntityTypeBuilder<AssetFieldValue> b)
    {
        b.HasKey(v => new { v.AssetId, v.FieldId });
        b.Property(v => v.Value).HasMaxLength(Tickets.TicketLimits.FieldValueMax);
        b.HasOne<Asset>().WithMany(a => a.FieldValues).HasForeignKey(v => v.AssetId);
        b.HasOne(v => v.Field).WithMany().HasForeignKey(v => v.FieldId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AssetChangeConfiguration : IEntityTypeConfiguration<AssetChange>
{
    public void Configure(EntityTypeBuilder<AssetChange> b)
    {
        b.Property(c => c.Subject).HasMaxLength(100);
        b.Property(c => c.OldValue).HasMaxLength(Tickets.TicketLimits.FieldValueMax);
        b.Property(c => c.NewValue).HasMaxLength(Tickets.TicketLimits.FieldValueMax);
        b.HasIndex(c => new { c.AssetId, c.Id });
        b.HasOne<Asset>().WithMany().HasForeignKey(c => c.AssetId);
        b.HasOne(c => c.Actor).WithMany().HasForeignKey(c => c.ActorId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class TicketAssetConfiguration : IEntityTypeConfiguration<TicketAsset>
{
    public void Configure(EntityTypeBuilder<TicketAsset> b)
    {
        b.HasKey(l => new { l.TicketId, l.AssetId });
        b.HasIndex(l => l.AssetId);
        b.HasOne(l => l.Ticket).WithMany().HasForeignKey(l => l.TicketId);
        b.HasOne(l => l.Asset).WithMany().HasForeignKey(l => l.AssetId);
    }
}

internal sealed class MaintenanceScheduleConfiguration : IEntityTypeConfiguration<MaintenanceSchedule>
{
    public void Configure(EntityTypeBuilder<MaintenanceSchedule> b)
    {
        b.Property(s => s.Title).HasMaxLength(Tickets.TicketLimits.TitleMax);
        b.Property(s => s.Unit).HasConversion<string>().HasMaxLength(10);
        b.HasIndex(s => new { s.IsActive, s.NextDueOn });
        b.HasOne(s => s.Asset).WithMany().HasForeignKey(s => s.AssetId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(s => s.AssetType).WithMany().HasForeignKey(s => s.AssetTypeId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Users.DeskUser>().WithMany().HasForeignKey(s => s.CreatedById).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MaintenanceRunConfiguration : IEntityTypeConfiguration<MaintenanceRun>
{
    public void Configure(EntityTypeBuilder<MaintenanceRun> b)
    {
        b.HasKey(r => new { r.ScheduleId, r.AssetId, r.DueOn });
        b.HasOne<MaintenanceSchedule>().WithMany().HasForeignKey(r => r.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Asset>().WithMany().HasForeignKey(r => r.AssetId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Tickets.Ticket>().WithMany().HasForeignKey(r => r.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}

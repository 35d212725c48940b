using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Catalog;

/// <summary>
/// Something employees can ask for that takes several departments (onboarding a new hire, an office move): requesting
/// it files one request in its owning department, with the item's form (the custom fields of its own category there),
/// and a task in each department of its template, in order, some waiting for others.
/// </summary>
public class CatalogItem
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";

    /// <summary>The department whose queue holds the request itself (the parent of the tasks).</summary>
    public int DepartmentId { get; set; }

    /// <summary>The category of the request in that department; its custom fields are the item's form.</summary>
    public int CategoryId { get; set; }
    public Departments.Category? Category { get; set; }
    public bool IsActive { get; set; } = true;

    /// <summary>The request resolves itself when its last task is done; otherwise its assignee is told to close it.</summary>
    public bool ResolveWhenTasksDone { get; set; } = true;
    public List<CatalogTask> Tasks { get; set; } = [];
}

/// <summary>One task of an item's template: which department does what, and which earlier task it waits for.</summary>
public class CatalogTask
{
    public int Id { get; set; }
    public int ItemId { get; set; }
    public int Order { get; set; }
    public int DepartmentId { get; set; }
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";

    /// <summary>The <see cref="Order"/> of the task this one waits for, or null to start at once.</summary>
    public int? WaitsForOrder { get; set; }
}

internal sealed class CatalogItemConfiguration : IEntityTypeConfiguration<CatalogItem>
{
    public void Configure(EntityTypeBuilder<CatalogItem> b)
    {
        b.Property(i => i.Name).HasMaxLength(120);
        b.HasIndex(i => i.Name).IsUnique();
        b.Property(i => i.Description).HasMaxLength(1000);
        b.HasOne<Departments.Department>().WithMany().HasForeignKey(i => i.DepartmentId);
        b.HasOne(i => i.Category).WithMany().HasForeignKey(i => i.CategoryId);
        b.HasMany(i => i.Tasks).WithOne().HasForeignKey(t => t.ItemId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CatalogTaskConfiguration : IEntityTypeConfiguration<CatalogTask>
{
    public void Configure(EntityTypeBuilder<CatalogTask> b)
    {
        b.Property(t => t.Title).HasMaxLength(200);
        b.Property(t => t.Description).HasMaxLength(2000);
        b.HasOne<Departments.Department>().WithMany().HasForeignKey(t => t.DepartmentId);
        b.HasIndex(t => new { t.ItemId, t.Order }).IsUnique();
    }
}

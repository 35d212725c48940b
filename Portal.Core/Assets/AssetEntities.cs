using Portal.Core.Departments;
using Portal.Core.Tickets;
using Portal.Core.Users;

namespace Portal.Core.Assets;

public enum AssetStatus
{
    InUse,
    InStock,
    InRepair,
    Retired,
}

/// <summary>Laptop, Printer, Room...: each type has its own custom fields.</summary>
public class AssetType
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public bool IsActive { get; set; } = true;
    public List<AssetField> Fields { get; set; } = [];
}

public class AssetField : IFieldDefinition
{
    public int Id { get; set; }
    public int AssetTypeId { get; set; }
    public string Label { get; set; } = "";
    public FieldKind Kind { get; set; }
    public bool Required { get; set; }

    /// <summary>For Choice fields: the options, one per line.</summary>
    public string Options { get; set; } = "";
    public int SortOrder { get; set; }
    public bool IsActive { get; set; } = true;

    public IReadOnlyList<string> OptionList =>
        Options.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public class Asset
{
    public int Id { get; set; }

    /// <summary>The label on the thing, unique across the organisation.</summary>
    public string Tag { get; set; } = "";

    /// <summary>The tag upper-cased: the unique index, so that "lt-1001" and "LT-1001" are one asset.</summary>
    public string TagKey { get; set; } = "";
    public string Serial { get; set; } = "";
    public string Name { get; set; } = "";
    public int TypeId { get; set; }
    public AssetType? Type { get; set; }
    public string Make { get; set; } = "";
    public string Model { get; set; } = "";
    public string Site { get; set; } = "";
    public string Building { get; set; } = "";
    public string Floor { get; set; } = "";
    public string Room { get; set; } = "";
    public int DepartmentId { get; set; }
    public Department? Department { get; set; }
    public string? AssignedToId { get; set; }
    public DeskUser? AssignedTo { get; set; }
    public AssetStatus Status { get; set; }
    public DateOnly? PurchaseDate { get; set; }
    public DateOnly? WarrantyEnd { get; set; }
    public string Notes { get; set; } = "";

    /// <summary>Lower-cased tag, serial, name, make, model and location, searched with one LIKE.</summary>
    public string SearchText { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token, bumped by every change.</summary>
    public int Version { get; set; }
    public List<AssetFieldValue> FieldValues { get; set; } = [];
}

public class AssetFieldValue
{
    public int AssetId { get; set; }
    public int FieldId { get; set; }
    public AssetField? Field { get; set; }
    public string Value { get; set; } = "";
}

/// <summary>One change of an asset's own record (status, assignee, location, ...). Appended, never changed.</summary>
public class AssetChange
{
    public long Id { get; set; }
    public int AssetId { get; set; }
    public DateTime At { get; set; }
    public string? ActorId { get; set; }
    public DeskUser? Actor { get; set; }
    public string Subject { get; set; } = "";
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }
}

/// <summary>A ticket is about this asset.</summary>
public class TicketAsset
{
    public int TicketId { get; set; }
    public Ticket? Ticket { get; set; }
    public int AssetId { get; set; }
    public Asset? Asset { get; set; }
    public DateTime LinkedAt { get; set; }
}

public enum MaintenanceUnit
{
    Days,
    Weeks,
    Months,
}

/// <summary>Preventive maintenance: a ticket every N days, weeks or months, for one asset or every asset of a type.</summary>
public class MaintenanceSchedule
{
    public int Id { get; set; }
    public int? AssetId { get; set; }
    public Asset? Asset { get; set; }
    public int? AssetTypeId { get; set; }
    public AssetType? AssetType { get; set; }
    public string Title { get; set; } = "";
    public int Every { get; set; }
    public MaintenanceUnit Unit { get; set; }

    /// <summary>The next date a ticket is due (UTC calendar date); moved on after each run.</summary>
    public DateOnly NextDueOn { get; set; }

    /// <summary>Who planned it: the maintenance tickets are filed in their name.</summary>
    public string CreatedById { get; set; } = "";
    public bool IsActive { get; set; } = true;

    public DateOnly After(DateOnly due) => Unit switch
    {
        MaintenanceUnit.Days => due.AddDays(Every),
        MaintenanceUnit.Weeks => due.AddDays(7 * Every),
        _ => due.AddMonths(Every),
    };
}

/// <summary>A maintenance ticket made for one schedule, asset and due date: the key makes it happen once.</summary>
public class MaintenanceRun
{
    public int ScheduleId { get; set; }
    public int AssetId { get; set; }
    public DateOnly DueOn { get; set; }
    public int TicketId { get; set; }
    public DateTime CreatedAt { get; set; }
}

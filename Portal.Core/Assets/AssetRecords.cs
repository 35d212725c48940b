using Portal.Core.Departments;
using Portal.Core.Tickets;
using Portal.Core.Common;
using Portal.Core.Handling;

namespace Portal.Core.Assets;

public static class AssetLimits
{
    public const int Tag = 50;
    public const int Name = 200;
    public const int Short = 100;
    public const int Notes = 4000;
}

/// <summary>Settings under <c>Assets</c>: when an asset counts as failing repeatedly.</summary>
public sealed class AssetOptions
{
    public const string Section = "Assets";

    /// <summary>An asset with more incidents than this within the window is flagged as a repeat failure.</summary>
    public int RepeatFailureCount { get; set; } = 2;
    public int RepeatFailureWindowDays { get; set; } = 90;

    /// <summary>How often due preventive maintenance tickets are filed, in minutes; 1 to 59.</summary>
    public int MaintenanceMinutes { get; set; } = 5;
}

/// <summary>What a person edits or imports; values are checked and trimmed by <see cref="AssetRules"/>.</summary>
public sealed record AssetInput(
    string? Tag,
    string? Name,
    int TypeId,
    int DepartmentId,
    AssetStatus Status = AssetStatus.InUse,
    string? Serial = null,
    string? Make = null,
    string? Model = null,
    string? Site = null,
    string? Building = null,
    string? Floor = null,
    string? Room = null,
    string? AssignedToId = null,
    DateOnly? PurchaseDate = null,
    DateOnly? WarrantyEnd = null,
    string? Notes = null)
{
    public IReadOnlyDictionary<int, string?> Fields { get; init; } = new Dictionary<int, string?>();
}

public enum AssetSort
{
    Tag,
    Name,
    Type,
    Status,
    Location,
    WarrantyEnd,
    Updated,
}

public sealed record AssetQuery(
    string? Text = null,
    int? TypeId = null,
    AssetStatus? Status = null,
    int? DepartmentId = null,
    string? Site = null,
    string? Building = null,
    int? WarrantyWithinDays = null,
    bool RepeatFailuresOnly = false,
    AssetSort Sort = AssetSort.Tag,
    bool Descending = false,
    int Page = 1,
    int PageSize = 25);

public sealed record AssetSummary(int Id, string Tag, string Name, string TypeName, AssetStatus Status, string DepartmentName,
    string? AssignedToName, string Site, string Building, string Floor, string Room, DateOnly? WarrantyEnd)
{
    public string Location => AssetDisplay.Location(Site, Building, Floor, Room);
    public int OpenTickets { get; init; }
    public bool RepeatFailure { get; init; }
}

public sealed record AssetDetails(int Id, string Tag, string Serial, string Name, int TypeId, string TypeName, string Make, string Model,
    string Site, string Building, string Floor, string Room, int DepartmentId, string DepartmentName, PersonRef? AssignedTo,
    AssetStatus Status, DateOnly? PurchaseDate, DateOnly? WarrantyEnd, string Notes, DateTime CreatedAt, DateTime UpdatedAt,
    int Version, bool CanEdit, IReadOnlyList<FieldValueView> Fields)
{
    public string Location => AssetDisplay.Location(Site, Building, Floor, Room);

}

/// <summary>An asset as a ticket shows it, with how many open tickets it already has.</summary>
public sealed record AssetRef(int Id, string Tag, string Name, string TypeName, string Location, int DepartmentId)
{
    public int OpenTickets { get; init; }
}

public sealed record AssetTicketRow(int TicketId, string Key, string Title, TicketStatus Status, string TypeName, DateTime CreatedAt,
    TimeSpan? TimeToResolve, string SlaOutcome, bool CountsAsIncident);

public sealed record AssetChangeView(DateTime At, string ActorName, string Subject, string? OldValue, string? NewValue);

public sealed record AssetHistory(IReadOnlyList<AssetTicketRow> Tickets, IReadOnlyList<AssetChangeView> Changes, TimeSpan TimeInRepair,
    int RecentIncidents, bool RepeatFailure, int RepeatFailureCount, int RepeatFailureWindowDays);

public sealed record AssetTypeView(int Id, string Name, bool IsActive, IReadOnlyList<FieldDefinition> Fields);

public sealed record LocationCount(string Site, string Building, int Assets, int InRepair);

public sealed record MaintenanceView(int Id, string Title, int Every, MaintenanceUnit Unit, DateOnly NextDueOn, bool ForWholeType,
    string TypeName, bool IsActive);

public static class AssetDisplay
{
    public static string Status(AssetStatus status) => status switch
    {
        AssetStatus.InUse => "In use",
        AssetStatus.InStock => "In stock",
        AssetStatus.InRepair => "In repair",
        AssetStatus.Retired => "Retired",
        _ => status.ToString(),
    };

    /// <summary>"In repair", "InRepair" and "in-repair" all read as <see cref="AssetStatus.InRepair"/>.</summary>
    public static AssetStatus? ParseStatus(string? text)
    {
        var key = new string((text ?? "").Where(char.IsLetter).ToArray());
        return Enum.TryParse<AssetStatus>(key, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : null;
    }

    public static string Location(string site, string building, string floor, string room) =>
        string.Join(" / ", new[] { site, building, floor.Length > 0 ? $"floor {floor}" : "", room }.Where(p => p.Length > 0));

    public static string Every(int every, MaintenanceUnit unit) =>
        every == 1 ? $"every {unit.ToString().TrimEnd('s').ToLowerInvariant()}" : $"every {every} {unit.ToString().ToLowerInvariant()}";
}

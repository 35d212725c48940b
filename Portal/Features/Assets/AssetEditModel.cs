using Portal.Core.Assets;

namespace Portal.Features.Assets;

/// <summary>The asset form's state: what the person typed, kept across errors and conflicts.</summary>
public sealed class AssetEditModel
{
    public string? Tag { get; set; }
    public string? Name { get; set; }
    public int? TypeId { get; set; }
    public int? DepartmentId { get; set; }
    public AssetStatus Status { get; set; } = AssetStatus.InUse;
    public string? Serial { get; set; }
    public string? Make { get; set; }
    public string? Model { get; set; }
    public string? Site { get; set; }
    public string? Building { get; set; }
    public string? Floor { get; set; }
    public string? Room { get; set; }
    public Core.Common.PersonRef? AssignedTo { get; set; }
    public DateTime? PurchaseDate { get; set; }
    public DateTime? WarrantyEnd { get; set; }
    public string? Notes { get; set; }
    public Dictionary<int, string?> Fields { get; } = [];

    public static AssetEditModel From(AssetDetails a)
    {
        var model = new AssetEditModel
        {
            Tag = a.Tag, Name = a.Name, TypeId = a.TypeId, DepartmentId = a.DepartmentId, Status = a.Status, Serial = a.Serial, Make = a.Make,
            Model = a.Model, Site = a.Site, Building = a.Building, Floor = a.Floor, Room = a.Room, AssignedTo = a.AssignedTo,
            PurchaseDate = a.PurchaseDate?.ToDateTime(TimeOnly.MinValue), WarrantyEnd = a.WarrantyEnd?.ToDateTime(TimeOnly.MinValue), Notes = a.Notes,
        };
        foreach (var f in a.Fields)
            model.Fields[f.FieldId] = f.Value;
        return model;
    }

    public AssetInput ToInput(IEnumerable<int> fieldIds) =>
        new(Tag, Name, TypeId ?? 0, DepartmentId ?? 0, Status, Serial, Make, Model, Site, Building, Floor, Room, AssignedTo?.Id,
            PurchaseDate is { } p ? DateOnly.FromDateTime(p) : null, WarrantyEnd is { } w ? DateOnly.FromDateTime(w) : null, Notes)
        {
            Fields = fieldIds.ToDictionary(id => id, id => Fields.GetValueOrDefault(id)),
        };
}

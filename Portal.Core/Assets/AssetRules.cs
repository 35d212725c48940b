using Portal.Core.Common;
using Portal.Core.Tickets;

namespace Portal.Core.Assets;

/// <summary>An asset's values after checking: trimmed, with custom field values normalised.</summary>
internal sealed record CleanAsset(string Tag, string Serial, string Name, string Make, string Model, string Site, string Building,
    string Floor, string Room, string Notes, Dictionary<int, string> Fields);

/// <summary>Checks an asset's values; pure. Error keys are the names of the CSV columns, so forms and imports say the same.</summary>
internal static class AssetRules
{
    public static CleanAsset Check(AssetInput input, AssetType? type, ValidationErrors errors)
    {
        string Text(string field, string? value, int max, string label, bool required = false)
        {
            var v = value?.Trim() ?? "";
            if (required)
                errors.Required(field, v, label);
            errors.MaxLength(field, v, max, label);
            return v;
        }

        var tag = Text("Tag", input.Tag, AssetLimits.Tag, "Tag", required: true);
        if (tag.Length > 0 && !tag.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '/'))
            errors.Add("Tag", $"Tag may hold only letters, digits and - _ . / (got \"{tag}\").");
        var name = Text("Name", input.Name, AssetLimits.Name, "Name", required: true);
        var clean = new CleanAsset(tag, Text("Serial", input.Serial, AssetLimits.Short, "Serial number"), name,
            Text("Make", input.Make, AssetLimits.Short, "Make"), Text("Model", input.Model, AssetLimits.Short, "Model"),
            Text("Site", input.Site, AssetLimits.Short, "Site"), Text("Building", input.Building, AssetLimits.Short, "Building"),
            Text("Floor", input.Floor, AssetLimits.Short, "Floor"), Text("Room", input.Room, AssetLimits.Short, "Room"),
            Text("Notes", input.Notes, AssetLimits.Notes, "Notes"), []);
        if (!Enum.IsDefined(input.Status))
            errors.Add("Status", $"Status {input.Status} does not exist.");
        if (input.PurchaseDate is { } bought && input.WarrantyEnd is { } ends && ends < bought)
            errors.Add("WarrantyEnd", $"Warranty end ({ends:yyyy-MM-dd}) is before the purchase date ({bought:yyyy-MM-dd}).");
        if (type is null)
        {
            errors.Add("Type", $"Asset type {input.TypeId} does not exist.");
            return clean;
        }

        var values = FieldRules.Normalise(type.Fields.Where(f => f.IsActive), input.Fields, errors);
        return clean with { Fields = values };
    }

    /// <summary>What the search box looks through (besides the assigned person): kept in Assets.SearchText.</summary>
    public static string SearchText(Asset a) =>
        string.Join(' ', a.Tag, a.Serial, a.Name, a.Make, a.Model, a.Site, a.Building, a.Room).ToLowerInvariant();
}

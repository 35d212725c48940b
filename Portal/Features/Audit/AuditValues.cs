using System.Text.Json;

namespace Portal.Features.Audit;

/// <summary>An entry's before or after JSON as name and value pairs for reading; anything unreadable is shown whole.</summary>
public static class AuditValues
{
    public static IEnumerable<(string Name, string? Value)> Pairs(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return [];
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return [("value", json)];
            return doc.RootElement.EnumerateObject()
                .Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()))
                .ToList();
        }
        catch (JsonException)
        {
            return [("value", json)];
        }
    }
}

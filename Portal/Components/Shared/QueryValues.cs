using System.Globalization;

namespace Portal.Components.Shared;

/// <summary>
/// Values read from a page's address. Pages take them as text and read them here, because Blazor fails the whole page
/// on a value it cannot convert (<c>?wall=maybe</c>): a value that makes no sense is simply not applied.
/// </summary>
public static class QueryValues
{
    public static bool Flag(string? value) =>
        value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("yes", StringComparison.OrdinalIgnoreCase));

    /// <summary>A whole number within the bounds, or null.</summary>
    public static int? Number(string? value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null;
}

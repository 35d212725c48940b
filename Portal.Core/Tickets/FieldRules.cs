using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Departments;

namespace Portal.Core.Tickets;

/// <summary>Checks and normalises custom field values; pure.</summary>
public static class FieldRules
{
    public const string Yes = "Yes";
    public const string No = "No";

    public static string ErrorKey(int fieldId) => $"Fields[{fieldId}]";

    /// <summary>
    /// Returns the values to store (normalised, empty ones dropped) for the given fields, adding an error
    /// that names the field for each value that is missing or malformed.
    /// </summary>
    public static Dictionary<int, string> Normalise(IEnumerable<IFieldDefinition> fields,
        IReadOnlyDictionary<int, string?> values, ValidationErrors errors, bool enforceRequired = true)
    {
        var result = new Dictionary<int, string>();
        foreach (var field in fields)
        {
            values.TryGetValue(field.Id, out var raw);
            var value = raw?.Trim();
            var key = ErrorKey(field.Id);
            if (string.IsNullOrEmpty(value))
            {
                if (field.Required && enforceRequired)
                    errors.Add(key, $"{field.Label} is required.");
                continue;
            }

            if (value.Length > TicketLimits.FieldValueMax)
            {
                errors.Add(key, $"{field.Label} must be at most {TicketLimits.FieldValueMax} characters.");
                continue;
            }

            var normalised = NormaliseOne(field, value);
            if (normalised is null)
                errors.Add(key, Explain(field, value));
            else
                result[field.Id] = normalised;
        }

        return result;
    }

    private static string? NormaliseOne(IFieldDefinition field, string value) => field.Kind switch
    {
        FieldKind.Text => value,
        FieldKind.Number => decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var n)
            ? n.ToString(CultureInfo.InvariantCulture)
            : null,
        FieldKind.Date => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null,
        FieldKind.Choice => field.OptionList.FirstOrDefault(o => string.Equals(o, value, StringComparison.OrdinalIgnoreCase)),
        FieldKind.YesNo => value.ToUpperInvariant() switch
        {
            "YES" or "TRUE" => Yes,
            "NO" or "FALSE" => No,
            _ => null,
        },
        _ => null,
    };

    private static string Explain(IFieldDefinition field, string value) => field.Kind switch
    {
        FieldKind.Number => $"{field.Label} must be a number (got \"{value}\").",
        FieldKind.Date => $"{field.Label} must be a date as YYYY-MM-DD (got \"{value}\").",
        FieldKind.Choice => $"{field.Label} must be one of: {string.Join(", ", field.OptionList)} (got \"{value}\").",
        FieldKind.YesNo => $"{field.Label} must be Yes or No (got \"{value}\").",
        _ => $"{field.Label} has a value that is not accepted.",
    };
}

namespace Portal.Core.Common;

/// <summary>Whole UTC days as instant ranges, for filters that say "from" and "to" a day (both included).</summary>
public static class UtcDays
{
    public static DateTime Start(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>The first instant after the day: a "to" day is included by comparing with &lt; this.</summary>
    public static DateTime After(DateOnly day) => day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>The days a filter may name: wide enough for any record, narrow enough that no arithmetic runs off the calendar.</summary>
    public static readonly DateOnly Earliest = new(1900, 1, 1);
    public static readonly DateOnly Latest = new(2199, 12, 31);

    /// <summary>Adds an error naming the field when a day lies outside <see cref="Earliest"/> .. <see cref="Latest"/>.</summary>
    public static void CheckBounds(ValidationErrors errors, string field, string label, DateOnly? day)
    {
        if (day is { } d && (d < Earliest || d > Latest))
            errors.Add(field, $"{label} must be a day between {Earliest:yyyy-MM-dd} and {Latest:yyyy-MM-dd}.");
    }

    /// <summary>
    /// A day from an address's query (yyyy-MM-dd), null when absent; refused, naming the field, when it is not a day or
    /// lies outside the bounds.
    /// </summary>
    public static DateOnly? ParseQuery(string? value, string field, string label)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var errors = new ValidationErrors();
        if (!DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var day))
            errors.Add(field, $"{label} must be a day written yyyy-MM-dd.");
        else
            CheckBounds(errors, field, label, day);
        errors.ThrowIfAny();
        return day;
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Core.Sla;

/// <summary>Reads the dates of the events of an iCalendar (.ics) file, as holidays (YYYY-MM-DD), sorted and distinct.</summary>
public static partial class IcsHolidays
{
    [GeneratedRegex(@"^DTSTART(?:;[^:]*)?:(\d{4})(\d{2})(\d{2})", RegexOptions.Multiline)]
    private static partial Regex StartPattern();

    public static IReadOnlyList<string> Read(string ics)
    {
        // Unfold continuation lines (RFC 5545: a line break followed by a space or tab continues the line).
        var text = ics.Replace("\r\n ", "", StringComparison.Ordinal).Replace("\r\n\t", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
        var dates = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match m in StartPattern().Matches(text))
        {
            var value = $"{m.Groups[1].Value}-{m.Groups[2].Value}-{m.Groups[3].Value}";
            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                dates.Add(value);
        }

        return dates.ToList();
    }
}

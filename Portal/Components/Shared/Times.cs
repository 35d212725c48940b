using System.Globalization;

namespace Portal.Components.Shared;

/// <summary>How times are written on pages.</summary>
public static class Times
{
    /// <summary>"Mon 28 Dec, 10:00 UTC".</summary>
    public static string Instant(DateTime utc) => utc.ToString("ddd d MMM, HH:mm", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>An instant as the browser-side countdown reads it: "2026-12-08T10:20:00Z".</summary>
    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>A span in the largest two units: "45m", "1h 20m", "3d 4h".</summary>
    public static string Span(TimeSpan span)
    {
        span = span.Duration();
        if (span.TotalMinutes < 1)
            return "<1m";
        if (span.TotalHours < 1)
            return $"{(int)span.TotalMinutes}m";
        if (span.TotalDays < 1)
            return span.Minutes == 0 ? $"{(int)span.TotalHours}h" : $"{(int)span.TotalHours}h {span.Minutes}m";
        return span.Hours == 0 ? $"{(int)span.TotalDays}d" : $"{(int)span.TotalDays}d {span.Hours}h";
    }
}

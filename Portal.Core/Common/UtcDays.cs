namespace Portal.Core.Common;

/// <summary>Whole UTC days as instant ranges, for filters that say "from" and "to" a day (both included).</summary>
public static class UtcDays
{
    public static DateTime Start(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    /// <summary>The first instant after the day: a "to" day is included by comparing with &lt; this.</summary>
    public static DateTime After(DateOnly day) => day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
}

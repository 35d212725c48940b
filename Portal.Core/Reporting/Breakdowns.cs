using System.Globalization;

namespace Portal.Core.Reporting;

/// <summary>What a measure is broken down by.</summary>
public enum Dimension
{
    Department,
    Team,
    Agent,
    Category,
    Priority,
    Type,

    /// <summary>The ticket's escalation level now; for escalations, the level that fired.</summary>
    Level,
}

/// <summary>How a trend is cut: by UTC day, ISO week (Monday first) or calendar month.</summary>
public enum Granularity
{
    Day,
    Week,
    Month,
}

/// <summary>One period of a trend: [Start, End).</summary>
public sealed record Bucket(DateTime Start, DateTime End, string Label);

/// <summary>Breakdowns and trends for any measure: the facts grouped by a dimension, the period cut into buckets.</summary>
public static class Breakdowns
{
    /// <summary>The key of a fact in a dimension: an id as text (the agent's user id), or "" when it has none (no team, unassigned).</summary>
    public static string KeyOf(TicketFact f, Dimension d) => d switch
    {
        Dimension.Department => f.DepartmentId.ToString(CultureInfo.InvariantCulture),
        Dimension.Team => f.TeamId?.ToString(CultureInfo.InvariantCulture) ?? "",
        Dimension.Agent => f.AssigneeId ?? "",
        Dimension.Category => f.CategoryId.ToString(CultureInfo.InvariantCulture),
        Dimension.Priority => f.Priority.ToString(),
        Dimension.Level => f.EscalationLevel.ToString(CultureInfo.InvariantCulture),
        _ => f.TypeId.ToString(CultureInfo.InvariantCulture),
    };

    public static IReadOnlyDictionary<string, List<TicketFact>> By(IEnumerable<TicketFact> facts, Dimension d) =>
        facts.GroupBy(f => KeyOf(f, d)).ToDictionary(g => g.Key, g => g.ToList());

    /// <summary>The buckets that cover [from, to), the first and last cut to the period.</summary>
    public static IReadOnlyList<Bucket> Buckets(DateTime from, DateTime to, Granularity g)
    {
        var buckets = new List<Bucket>();
        var start = Floor(from, g);
        while (start < to)
        {
            var end = g switch
            {
                Granularity.Day => start.AddDays(1),
                Granularity.Week => start.AddDays(7),
                _ => start.AddMonths(1),
            };
            var label = g switch
            {
                Granularity.Day => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Granularity.Week => $"{ISOWeek.GetYear(start)}-W{ISOWeek.GetWeekOfYear(start):D2}",
                _ => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
            };
            buckets.Add(new Bucket(start < from ? from : start, end > to ? to : end, label));
            start = end;
        }

        return buckets;
    }

    private static DateTime Floor(DateTime at, Granularity g)
    {
        var day = new DateTime(at.Year, at.Month, at.Day, 0, 0, 0, DateTimeKind.Utc);
        return g switch
        {
            Granularity.Day => day,
            Granularity.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
            _ => new DateTime(at.Year, at.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        };
    }
}

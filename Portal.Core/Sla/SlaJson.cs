using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Text;
using Portal.Core.Tickets;

namespace Portal.Core.Sla;

/// <summary>
/// Reads the parts of the SLA scenario format (calendar, targets, pauseOn, warnAt, events, instants). Every
/// refusal names the field and the value. The admin screens store calendars and policies in the same shapes.
/// </summary>
public static partial class SlaJson
{
    public static readonly InstantPattern InstantFormat = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss'Z'");

    public static readonly IReadOnlyDictionary<string, IsoDayOfWeek> Weekdays = new Dictionary<string, IsoDayOfWeek>
    {
        ["Mon"] = IsoDayOfWeek.Monday, ["Tue"] = IsoDayOfWeek.Tuesday, ["Wed"] = IsoDayOfWeek.Wednesday, ["Thu"] = IsoDayOfWeek.Thursday,
        ["Fri"] = IsoDayOfWeek.Friday, ["Sat"] = IsoDayOfWeek.Saturday, ["Sun"] = IsoDayOfWeek.Sunday,
    };

    [GeneratedRegex(@"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")]
    private static partial Regex SegmentPattern();

    [GeneratedRegex(@"^(\d{4})-(\d{2})-(\d{2})$")]
    private static partial Regex DatePattern();

    [GeneratedRegex(@"^(\d{2})-(\d{2})$")]
    private static partial Regex AnnualPattern();

    public static void RequireObject(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw new SlaInputException(field, $"must be an object, not {Describe(e)}");
    }

    public static void RequireArray(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.Array)
            throw new SlaInputException(field, $"must be a list, not {Describe(e)}");
    }

    public static string RequireString(JsonElement e, string field)
    {
        if (e.ValueKind != JsonValueKind.String)
            throw new SlaInputException(field, $"must be a string, not {Describe(e)}");
        return e.GetString()!;
    }

    public static JsonElement Required(JsonElement obj, string name, string field)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw new SlaInputException(field, "is required");
        return value;
    }

    public static void RefuseUnknown(JsonElement obj, string prefix, params string[] known)
    {
        foreach (var p in obj.EnumerateObject())
            if (!known.Contains(p.Name))
                throw new SlaInputException(Join(prefix, p.Name), $"is not a known field (expected one of: {string.Join(", ", known)})");
    }

    public static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    public static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"\"{e.GetString()}\"",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        _ => e.GetRawText(),
    };

    /// <summary>The longest target a policy may set: five years counted around the clock (43,800 hours).</summary>
    public static readonly TimeSpan MaxTarget = TimeSpan.FromHours(43_800);

    /// <summary>The instants a scenario or a calendar may name: far enough from the ends of time that any target added stays computable.</summary>
    public static readonly (int From, int To) InstantYears = (1900, 2200);

    public static long ParseInstant(JsonElement e, string field)
    {
        var text = RequireString(e, field);
        var result = InstantFormat.Parse(text);
        if (!result.Success)
            throw new SlaInputException(field, $"\"{text}\" is not a UTC instant to the second such as 2026-12-28T08:00:00Z");
        var year = result.Value.InUtc().Year;
        if (year < InstantYears.From || year >= InstantYears.To)
            throw new SlaInputException(field, $"\"{text}\" is outside the years {InstantYears.From} to {InstantYears.To - 1}");
        return result.Value.ToUnixTimeTicks();
    }

    public static string FormatInstant(long ticks) => InstantFormat.Format(Instant.FromUnixTimeTicks(ticks));

    public static TimeSpan ParseTarget(JsonElement e, string field)
    {
        var text = RequireString(e, field);
        if (!IsoDuration.TryParse(text, out var value, out var error))
            throw new SlaInputException(field, error);
        if (value == TimeSpan.Zero)
            throw new SlaInputException(field, $"\"{text}\" is a zero target; a target must be longer than zero");
        if (value > MaxTarget)
            throw new SlaInputException(field, $"\"{text}\" is longer than the longest target, {MaxTarget.TotalHours:0} hours (five years)");
        return value;
    }

    private static readonly string[] ContractStatuses = Enum.GetNames<TicketStatus>()
        .Where(n => n is not (nameof(TicketStatus.Waiting) or nameof(TicketStatus.AwaitingApproval))).ToArray();

    public static TicketStatus ParseStatus(JsonElement e, string field)
    {
        var text = RequireString(e, field);
        // The contract's statuses: Waiting (a catalog task waiting for another) and AwaitingApproval are the desk's own,
        // always paused, never configured.
        if (!Enum.TryParse<TicketStatus>(text, ignoreCase: false, out var status) || !Enum.IsDefined(status) || int.TryParse(text, out _)
            || status is TicketStatus.Waiting or TicketStatus.AwaitingApproval)
            throw new SlaInputException(field, $"unknown status \"{text}\" (expected one of: {string.Join(", ", ContractStatuses)})");
        return status;
    }

    /// <summary>The calendar object of the scenario format; a missing calendar is 24x7 in UTC.</summary>
    public static BusinessCalendar ParseCalendar(JsonElement? element, string field = "calendar")
    {
        if (element is not { } c || c.ValueKind == JsonValueKind.Null)
            return BusinessCalendar.Utc24x7;
        RequireObject(c, field);
        RefuseUnknown(c, field, "timeZone", "week", "holidays");
        var zoneName = RequireString(Required(c, "timeZone", $"{field}.timeZone"), $"{field}.timeZone");
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneName)
            ?? throw new SlaInputException($"{field}.timeZone", $"unknown time zone \"{zoneName}\" (expected an IANA name such as Europe/Berlin)");

        Dictionary<IsoDayOfWeek, IReadOnlyList<WorkSegment>>? week = null;
        if (c.TryGetProperty("week", out var w) && w.ValueKind != JsonValueKind.Null)
        {
            RequireObject(w, $"{field}.week");
            week = [];
            foreach (var day in w.EnumerateObject())
            {
                var dayField = $"{field}.week.{day.Name}";
                if (!Weekdays.TryGetValue(day.Name, out var weekday))
                    throw new SlaInputException(dayField, $"unknown weekday \"{day.Name}\" (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)");
                RequireArray(day.Value, dayField);
                var segments = new List<WorkSegment>();
                var i = 0;
                foreach (var s in day.Value.EnumerateArray())
                    segments.Add(ParseSegment(s, $"{dayField}[{i++}]"));
                CheckOverlaps(segments, dayField);
                week[weekday] = segments.OrderBy(s => s.Start).ToList();
            }

            if (week.Values.All(s => s.Count == 0))
                throw new SlaInputException($"{field}.week", "has no working segment at all; leave week out for a 24x7 calendar");
        }

        var dates = new List<LocalDate>();
        var annual = new List<AnnualDate>();
        if (c.TryGetProperty("holidays", out var h) && h.ValueKind != JsonValueKind.Null)
        {
            RequireArray(h, $"{field}.holidays");
            var i = 0;
            foreach (var d in h.EnumerateArray())
            {
                var holidayField = $"{field}.holidays[{i++}]";
                var text = RequireString(d, holidayField);
                if (TryDate(text, out var date))
                    dates.Add(date);
                else if (TryAnnual(text, out var day))
                    annual.Add(day);
                else
                    throw new SlaInputException(holidayField, $"\"{text}\" is not a date: expected YYYY-MM-DD (one day) or MM-DD (every year)");
            }
        }

        return new BusinessCalendar(zone, week?.ToDictionary(k => k.Key, k => k.Value), dates, annual);
    }

    private static bool TryDate(string text, out LocalDate date)
    {
        date = default;
        var m = DatePattern().Match(text);
        if (!m.Success)
            return false;
        try
        {
            date = new LocalDate(Int(m, 1), Int(m, 2), Int(m, 3));
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool TryAnnual(string text, out AnnualDate day)
    {
        day = default;
        var m = AnnualPattern().Match(text);
        if (!m.Success)
            return false;
        try
        {
            day = new AnnualDate(Int(m, 1), Int(m, 2));
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static int Int(Match m, int group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    public static WorkSegment ParseSegment(JsonElement e, string field)
    {
        var text = RequireString(e, field);
        var m = SegmentPattern().Match(text);
        if (!m.Success)
            throw new SlaInputException(field, $"\"{text}\" is not a segment such as 08:00-12:00");
        int sh = Int(m, 1), sm = Int(m, 2), eh = Int(m, 3), em = Int(m, 4);
        if (sh > 24 || eh > 24 || sm > 59 || em > 59 || (sh == 24 && sm > 0) || (eh == 24 && em > 0))
            throw new SlaInputException(field, $"\"{text}\" has a time that does not exist (00:00 to 24:00)");
        if (sh == 24)
            throw new SlaInputException(field, $"\"{text}\" starts at 24:00; 24:00 is only an end (the end of the day)");
        var endsAtMidnight = eh == 24;
        var start = new LocalTime(sh, sm);
        var end = endsAtMidnight ? LocalTime.Midnight : new LocalTime(eh, em);
        if (!endsAtMidnight && end <= start)
            throw new SlaInputException(field, $"\"{text}\" ends before or where it starts");
        return new WorkSegment(start, end, endsAtMidnight);
    }

    private static void CheckOverlaps(List<WorkSegment> segments, string field)
    {
        var sorted = segments.Select((s, i) => (s, i)).OrderBy(x => x.s.Start).ToList();
        for (var k = 1; k < sorted.Count; k++)
        {
            var prev = sorted[k - 1].s;
            var cur = sorted[k].s;
            if (prev.EndsAtMidnight || prev.End > cur.Start)
                throw new SlaInputException($"{field}[{sorted[k].i}]", $"\"{cur}\" overlaps \"{prev}\"");
        }
    }

    /// <summary>The targets object: priority name → metric → duration. Order of priorities is kept.</summary>
    public static (List<string> Priorities, Dictionary<string, IReadOnlyDictionary<SlaMetric, TimeSpan>> Targets) ParseTargets(
        JsonElement t, string field = "targets")
    {
        RequireObject(t, field);
        var priorities = new List<string>();
        var targets = new Dictionary<string, IReadOnlyDictionary<SlaMetric, TimeSpan>>();
        foreach (var p in t.EnumerateObject())
        {
            var pf = $"{field}.{p.Name}";
            RequireObject(p.Value, pf);
            var perMetric = new Dictionary<SlaMetric, TimeSpan>();
            foreach (var metric in p.Value.EnumerateObject())
            {
                var mf = $"{pf}.{metric.Name}";
                if (!SlaMetrics.TryParse(metric.Name, out var which))
                    throw new SlaInputException(mf, $"unknown metric \"{metric.Name}\" (expected firstResponse, nextResponse or resolution)");
                perMetric[which] = ParseTarget(metric.Value, mf);
            }

            priorities.Add(p.Name);
            targets[p.Name] = perMetric;
        }

        return (priorities, targets);
    }

    /// <summary>pauseOn: a list of statuses that pause every metric, or an object mapping metrics to their statuses.</summary>
    public static Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>> ParsePauseOn(JsonElement? element, string field = "pauseOn")
    {
        var result = new Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>>();
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
            return result;
        if (e.ValueKind == JsonValueKind.Array)
        {
            var all = ParseStatusList(e, field);
            foreach (var metric in SlaMetrics.All)
                result[metric] = all;
            return result;
        }

        if (e.ValueKind != JsonValueKind.Object)
            throw new SlaInputException(field, $"must be a list of statuses or an object of metric to statuses, not {Describe(e)}");
        foreach (var p in e.EnumerateObject())
        {
            var mf = $"{field}.{p.Name}";
            if (!SlaMetrics.TryParse(p.Name, out var metric))
                throw new SlaInputException(mf, $"unknown metric \"{p.Name}\" (expected firstResponse, nextResponse or resolution)");
            result[metric] = ParseStatusList(p.Value, mf);
        }

        return result;
    }

    private static List<TicketStatus> ParseStatusList(JsonElement e, string field)
    {
        RequireArray(e, field);
        var list = new List<TicketStatus>();
        var i = 0;
        foreach (var s in e.EnumerateArray())
            list.Add(ParseStatus(s, $"{field}[{i++}]"));
        return list;
    }

    public static List<WarnThreshold> ParseWarnAt(JsonElement? element, string field = "warnAt")
    {
        var list = new List<WarnThreshold>();
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
            return list;
        RequireArray(e, field);
        var i = 0;
        foreach (var w in e.EnumerateArray())
        {
            var wf = $"{field}[{i++}]";
            if (w.ValueKind != JsonValueKind.Number || !w.TryGetDecimal(out var fraction))
                throw new SlaInputException(wf, $"{Describe(w)} is not a number");
            if (fraction <= 0 || fraction > 1)
                throw new SlaInputException(wf, $"{w.GetRawText()} is not a fraction in (0, 1]");
            list.Add(new WarnThreshold(fraction, w.GetRawText()));
        }

        return list;
    }
}

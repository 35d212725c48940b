using System.Globalization;
using Portal.Core.Common;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>
/// What a report shows: a measure over a period (a preset, or custom UTC days From–To inclusive), for one department or
/// every one the reader may see, narrowed by priority, type and the reader's own tickets, broken down by a dimension and/or cut into a trend.
/// Written to and read from a query string, so a report's address (and its exports) carry it whole.
/// </summary>
public sealed record ReportRequest(
    Measure Measure = Measure.Created,
    Period? Period = Reporting.Period.Last30Days,
    DateOnly? From = null,
    DateOnly? To = null,
    int? DepartmentId = null,
    TicketPriority? Priority = null,
    int? TypeId = null,
    Dimension? By = null,
    Granularity? Trend = null,
    bool Business = true,
    bool Mine = false)
{
    public const int MaxDays = 3 * 366;

    /// <summary>The filter for a reader: "my tickets only" means the reader's.</summary>
    public ReportFilter FilterFor(string userId) => new(AssigneeId: Mine ? userId : null, Priority: Priority, TypeId: TypeId);

    /// <summary>[from, to) in UTC; a custom period is checked and refused naming the field.</summary>
    public (DateTime From, DateTime To) Range(DateTime now)
    {
        if (Period is { } p)
            return Periods.Resolve(p, now);
        var errors = new ValidationErrors();
        if (From is null)
            errors.Add("From", "From is required for a custom period.");
        if (To is null)
            errors.Add("To", "To is required for a custom period.");
        UtcDays.CheckBounds(errors, "From", "From", From);
        UtcDays.CheckBounds(errors, "To", "To", To);
        if (errors.Any)
            errors.ThrowIfAny();
        if (From is { } f && To is { } t)
        {
            if (t < f)
                errors.Add("To", "To must not be before From.");
            else if (t.DayNumber - f.DayNumber + 1 > MaxDays)
                errors.Add("To", $"A report covers at most {MaxDays} days.");
        }

        errors.ThrowIfAny();
        return (From!.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), To!.Value.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
    }

    public string ToQuery()
    {
        var parts = new List<string> { $"measure={Measure}" };
        void Add(string name, object? value)
        {
            if (value is not null)
                parts.Add($"{name}={Uri.EscapeDataString(Convert.ToString(value, CultureInfo.InvariantCulture)!)}");
        }

        Add("period", Period?.ToString() ?? "Custom");
        Add("from", Period is null ? From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null);
        Add("to", Period is null ? To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null);
        Add("department", DepartmentId);
        Add("priority", Priority);
        Add("type", TypeId);
        Add("by", By);
        Add("trend", Trend);
        Add("calendar", Business ? null : "1");
        Add("mine", Mine ? "1" : null);
        return string.Join("&", parts);
    }

    /// <summary>Reads a request from query values; unknown or missing values fall back to the defaults.</summary>
    public static ReportRequest Parse(Func<string, string?> get)
    {
        static T? E<T>(string? v) where T : struct, Enum => Enum.TryParse<T>(v, ignoreCase: true, out var e) && Enum.IsDefined(e) ? e : null;
        static int? I(string? v) => int.TryParse(v, CultureInfo.InvariantCulture, out var i) ? i : null;
        static DateOnly? D(string? v) => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        var period = get("period");
        return new ReportRequest(E<Measure>(get("measure")) ?? Measure.Created,
            string.Equals(period, "Custom", StringComparison.OrdinalIgnoreCase) ? null : E<Period>(period) ?? Reporting.Period.Last30Days,
            D(get("from")), D(get("to")), I(get("department")), E<TicketPriority>(get("priority")), I(get("type")), E<Dimension>(get("by")),
            E<Granularity>(get("trend")), get("calendar") != "1", get("mine") == "1");
    }
}

/// <summary>A report as computed: the request, its period, the table and the names of its rows' keys.</summary>
public sealed record ReportResult(ReportRequest Request, DateTime From, DateTime To, ReportTable Table, IReadOnlyDictionary<string, string> Names)
{
    public string NameOf(string key) => Names.TryGetValue(key, out var name) ? name : key;

    /// <summary>The period as people read it: its first and last UTC day.</summary>
    public string PeriodText => From.Date == To.AddDays(-1).Date
        ? From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : $"{From:yyyy-MM-dd} – {To.AddDays(-1):yyyy-MM-dd}";
}

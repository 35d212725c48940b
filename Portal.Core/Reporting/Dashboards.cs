using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

public enum WidgetKind
{
    /// <summary>One number for the period.</summary>
    Tile,

    /// <summary>The measure per day, week or month as a line.</summary>
    Trend,

    /// <summary>The measure per department, team, agent, category, priority, type or level as bars.</summary>
    Breakdown,

    /// <summary>The open tickets closest to (or past) their due instant.</summary>
    AtRisk,
}

/// <summary>A period relative to today (UTC days); the period ends at the end of today.</summary>
public enum Period
{
    Today,
    Last7Days,
    Last30Days,
    Last90Days,
    ThisMonth,
    LastMonth,
    Last12Months,
}

public enum WidgetSize
{
    Small = 3,
    Medium = 4,
    Half = 6,
    Full = 12,
}

/// <summary>One widget of a dashboard with its own filters: which departments (null: every one the viewer may see), whose tickets, which priority and type.</summary>
public sealed record Widget(
    string Id,
    WidgetKind Kind,
    Measure Measure,
    Period Period = Period.Last30Days,
    int? DepartmentId = null,
    bool MineOnly = false,
    TicketPriority? Priority = null,
    int? TypeId = null,
    Dimension? By = null,
    Granularity Trend = Granularity.Day,
    WidgetSize Size = WidgetSize.Small,
    bool Business = true)
{
    public ReportFilter FilterFor(string userId) => new(AssigneeId: MineOnly ? userId : null, Priority: Priority, TypeId: TypeId);

    public static string NewId() => Guid.NewGuid().ToString("N")[..10];
}

/// <summary>A saved dashboard: its owner's, and readable by a department's staff when shared with it.</summary>
public class DashboardRecord
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    public string Name { get; set; } = "";
    public int? SharedWithDepartmentId { get; set; }

    /// <summary>The widgets in order, as JSON (<see cref="DashboardJson"/>).</summary>
    public string Widgets { get; set; } = "[]";
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; }
}

internal sealed class DashboardRecordConfiguration : IEntityTypeConfiguration<DashboardRecord>
{
    public void Configure(EntityTypeBuilder<DashboardRecord> b)
    {
        b.ToTable("Dashboards");
        b.Property(d => d.Name).HasMaxLength(DashboardService.NameMax);
        b.Property(d => d.OwnerId).HasMaxLength(450);
        b.Property(d => d.Version).IsConcurrencyToken();
        b.HasIndex(d => d.OwnerId);
        b.HasIndex(d => d.SharedWithDepartmentId);
    }
}

public static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(IReadOnlyList<Widget> widgets) => JsonSerializer.Serialize(widgets, Options);

    public static IReadOnlyList<Widget> Read(string json) => JsonSerializer.Deserialize<List<Widget>>(json, Options) ?? [];
}

public static class Periods
{
    public static string Title(Period p) => p switch
    {
        Period.Today => "Today",
        Period.Last7Days => "Last 7 days",
        Period.Last30Days => "Last 30 days",
        Period.Last90Days => "Last 90 days",
        Period.ThisMonth => "This month",
        Period.LastMonth => "Last month",
        _ => "Last 12 months",
    };

    public static bool EndsToday(Period p) => p != Period.LastMonth;

    /// <summary>[from, to) in UTC for a period seen at <paramref name="now"/>: whole days, ending at the end of today (last month: at the start of this one).</summary>
    public static (DateTime From, DateTime To) Resolve(Period p, DateTime now)
    {
        var today = now.Date;
        var tomorrow = today.AddDays(1);
        var month = new DateTime(today.Year, today.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var (from, to) = p switch
        {
            Period.Today => (today, tomorrow),
            Period.Last7Days => (today.AddDays(-6), tomorrow),
            Period.Last30Days => (today.AddDays(-29), tomorrow),
            Period.Last90Days => (today.AddDays(-89), tomorrow),
            Period.ThisMonth => (month, tomorrow),
            Period.LastMonth => (month.AddMonths(-1), month),
            _ => (month.AddMonths(-11), tomorrow),
        };
        return (DateTime.SpecifyKind(from, DateTimeKind.Utc), DateTime.SpecifyKind(to, DateTimeKind.Utc));
    }
}

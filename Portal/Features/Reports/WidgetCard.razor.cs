using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Core.Reporting;
using Portal.Core.Tickets;

namespace Portal.Features.Reports;

public partial class WidgetCard
{
    [Parameter, EditorRequired] public WidgetView View { get; set; } = default!;
    [Parameter] public bool Editing { get; set; }
    [Parameter] public DateTime Now { get; set; }

    /// <summary>Staff open a ticket; an auditor opens its audit timeline.</summary>
    [Parameter] public bool Staff { get; set; } = true;
    [Parameter] public EventCallback<int> Move { get; set; }
    [Parameter] public EventCallback Resize { get; set; }
    [Parameter] public EventCallback Remove { get; set; }
    [Parameter] public EventCallback Change { get; set; }

    /// <summary>A vertical axis that fits the values (about four steps of 1, 2 or 5 times a power of ten); bars show their values.</summary>
    private MudBlazor.Charts.IChartOptions Options(List<double> values)
    {
        var rough = Math.Max(1, values.Max()) / 4;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = Math.Max(1, (int)Math.Ceiling(new[] { 1, 2, 5, 10 }.Select(f => f * power).First(s => s >= rough)));
        return View.Widget.Kind == WidgetKind.Trend
            ? new LineChartOptions { ShowLegend = false, YAxisTicks = step, ShowDataMarkers = false }
            : new BarChartOptions { ShowLegend = false, YAxisTicks = step, ShowValues = true, BarWidthRatio = 0.6 };
    }

    private string Counted => View.Table is { } t && View.Info.Unit != MeasureUnit.Count ? $"{t.Total.Cells[0].Tickets:N0} tickets counted" : "";

    private string ReportHref
    {
        get
        {
            var w = View.Widget;
            var request = new ReportRequest(w.Measure, w.Period, null, null, w.DepartmentId, w.Priority, w.TypeId,
                w.Kind == WidgetKind.Breakdown ? w.By ?? Dimension.Department : null, w.Kind == WidgetKind.Trend ? w.Trend : null, w.Business, w.MineOnly);
            return $"/reports?{request.ToQuery()}";
        }
    }

    /// <summary>A breakdown's twelve largest groups with their names, largest first.</summary>
    private List<(ReportRow Row, string Label)> Bars(ReportTable table)
    {
        var bars = table.Rows.Zip(View.Labels).Select(x => (x.First, x.Second));
        // Priorities and levels keep their own order; other groups show the largest first.
        bars = table.By switch
        {
            Dimension.Priority => bars.OrderByDescending(x => Enum.TryParse<TicketPriority>(x.First.Key, out var p) ? (int)p : -1),
            Dimension.Level => bars.OrderBy(x => int.TryParse(x.First.Key, out var l) ? l : 0),
            _ => bars.OrderByDescending(x => x.First.Cells[0].Value ?? 0),
        };
        return bars.Take(12).ToList();
    }

    /// <summary>Durations in hours on a chart (a readable axis); counts as they are; rates as percentages.</summary>
    private List<double> Values(ReportTable table, List<(ReportRow Row, string Label)> bars)
    {
        var cells = View.Widget.Kind == WidgetKind.Trend ? table.Total.Cells : bars.Select(b => b.Row.Cells[0]).ToList();
        return cells.Select(c => View.Info.Unit switch
        {
            MeasureUnit.Duration => Math.Round((c.Value ?? 0) / 3600, 1),
            MeasureUnit.Rate => Math.Round((c.Value ?? 0) * 100, 1),
            _ => c.Value ?? 0,
        }).ToList();
    }

    private string[] Labels(ReportTable table, List<(ReportRow Row, string Label)> bars) => View.Widget.Kind == WidgetKind.Trend
        ? table.Columns.Select((c, i) => i % Math.Max(1, (int)Math.Ceiling(table.Columns.Count / 8.0)) == 0
            ? View.Widget.Trend == Granularity.Day ? c.Label[5..] : c.Label : "").ToArray()
        : bars.Select(b => b.Label).ToArray();

    private List<ChartSeries<double>> Series(List<double> values) =>
    [
        new()
        {
            Name = View.Info.Unit switch { MeasureUnit.Duration => View.Info.Title + " (hours)", MeasureUnit.Rate => View.Info.Title + " (%)", _ => View.Info.Title },
            Data = new ChartData<double>(values),
        },
    ];

    private string DueText(DateTime? due) => due is not { } d ? "" : d < Now ? $"overdue {Portal.Core.Reporting.Reports.Duration(Now - d)}" : $"due in {Portal.Core.Reporting.Reports.Duration(d - Now)}";
}

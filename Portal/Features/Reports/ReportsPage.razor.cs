using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Reporting;
using Portal.Core.Security;

namespace Portal.Features.Reports;

public partial class ReportsPage
{
    private Actor? _actor;
    private ReportRequest _request = new();
    private ReportResult? _result;
    private IReadOnlyList<DepartmentOption> _departments = [];
    private IReadOnlyList<NamedOption> _types = [];
    private Dictionary<string, string> _errors = [];
    private string? _from;
    private string? _to;
    private IReadOnlyList<ReportTicket>? _drill;
    private string _drillTitle = "";
    private (string? Key, int Column)? _selected;

    private MeasureInfo Info => Portal.Core.Reporting.Reports.Info(_request.Measure);

    protected override async Task OnInitializedAsync()
    {
        if (!await GuardAsync(async () =>
        {
            _actor = await CurrentActor.GetAsync();
            Access.RequireReports(_actor);
            _departments = await Directory.ListReadableDepartmentsAsync(_actor);
            _types = await Directory.ListTypesAsync();
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(Nav.Uri).Query);
            _request = ReportRequest.Parse(name => query.TryGetValue(name, out var v) ? v.ToString() : null);
            (_from, _to) = (_request.From?.ToString("yyyy-MM-dd"), _request.To?.ToString("yyyy-MM-dd"));
            await RunAsync();
        }))
        {
            _actor = null;
        }
    }

    private sealed record Line(ReportRow Row, bool IsTotal);

    private static IEnumerable<Line> Rows(ReportResult r) =>
        r.Table.By is null ? [new Line(r.Table.Total, true)] : r.Table.Rows.Select(x => new Line(x, false)).Append(new Line(r.Table.Total, true));

    private bool IsSelected(string? key, int column) => _drill is not null && _selected == (key, column);

    private async Task Change(ReportRequest request)
    {
        _request = request;
        Nav.NavigateTo($"/reports?{request.ToQuery()}", replace: true);
        await RunAsync();
    }

    private Task SetPeriod(string value) =>
        value == "Custom" ? Change(_request with { Period = null }) : Change(_request with { Period = Enum.Parse<Period>(value) });

    private Task ApplyCustom()
    {
        static DateOnly? D(string? v) => DateOnly.TryParseExact(v, "yyyy-MM-dd", out var d) ? d : null;
        _errors = [];
        if (!string.IsNullOrWhiteSpace(_from) && D(_from) is null)
            _errors["From"] = "From must be a day written as yyyy-mm-dd.";
        if (!string.IsNullOrWhiteSpace(_to) && D(_to) is null)
            _errors["To"] = "To must be a day written as yyyy-mm-dd.";
        if (_errors.Count > 0)
            return Task.CompletedTask; // what was typed stays in the fields
        return Change(_request with { From = D(_from), To = D(_to) });
    }

    private async Task RunAsync()
    {
        _drill = null;
        Problem = null;
        _errors = [];
        _result = null;
        await GuardAsync(async () =>
        {
            try
            {
                _result = await Reports.RunAsync(_actor!, _request);
            }
            catch (DeskValidationException ex)
            {
                _errors = ex.Errors.ToDictionary();
            }
        });
    }

    private async Task DrillAsync(string? key, int column)
    {
        await GuardAsync(async () =>
        {
            try
            {
                _drill = await Reports.DrillAsync(_actor!, _request, key, column);
                _selected = (key, column);
                var row = key is null ? "all" : _result!.NameOf(key);
                _drillTitle = $"{Info.Title}: {row}, {_result!.Table.Columns[column].Label} – {_drill.Count:N0} tickets";
            }
            catch (DeskValidationException ex)
            {
                Problem = ex.Message;
            }
        });
    }
}

using Portal.Core.Reporting;
using Portal.Core.Users;
using Portal.Security;

namespace Portal.Api;

/// <summary>A report's exports: the same request as the report page's address, as CSV or XLSX, computed with the reader's rights.</summary>
public static class ReportEndpoints
{
    public const string CsvPath = "/reports/export.csv";
    public const string XlsxPath = "/reports/export.xlsx";

    public static string CsvUrl(ReportRequest r) => $"{CsvPath}?{r.ToQuery()}";

    public static string XlsxUrl(ReportRequest r) => $"{XlsxPath}?{r.ToQuery()}";

    public static void MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(CsvPath, async (HttpContext http, ReportService reports, CancellationToken ct) =>
            {
                var result = await RunAsync(http, reports, ct);
                http.Response.ContentType = "text/csv; charset=utf-8";
                http.Response.Headers.ContentDisposition = $"attachment; filename=\"{ReportFiles.FileName(result, "csv")}\"";
                // Written in memory first: a report is small, and the response body takes only asynchronous writes.
                await using var text = new StringWriter();
                ReportFiles.WriteCsv(result, text);
                await http.Response.WriteAsync(text.ToString(), ct);
            })
            .RequireAuthorization();
        app.MapGet(XlsxPath, async (HttpContext http, ReportService reports, CancellationToken ct) =>
            {
                var result = await RunAsync(http, reports, ct);
                using var buffer = new MemoryStream();
                ReportFiles.WriteXlsx(result, buffer);
                http.Response.ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                http.Response.Headers.ContentDisposition = $"attachment; filename=\"{ReportFiles.FileName(result, "xlsx")}\"";
                buffer.Position = 0;
                await buffer.CopyToAsync(http.Response.Body, ct);
            })
            .RequireAuthorization();
    }

    private static async Task<ReportResult> RunAsync(HttpContext http, ReportService reports, CancellationToken ct)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.ReportsRead);
        var request = ReportRequest.Parse(name => http.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null);
        return await reports.RunAsync(actor, request, ct);
    }
}

using Portal.Core.Audit;
using Portal.Core.Users;
using Portal.Security;

namespace Portal.Api;

/// <summary>The audit trail as CSV or JSON with its hashes, for admins and auditors; the same filters as the page.</summary>
public static class AuditEndpoints
{
    public const string CsvPath = "/admin/audit/export.csv";
    public const string JsonPath = "/admin/audit/export.json";

    public static string ExportUrl(string path, AuditQuery q)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
        }

        Add("ticket", q.Ticket);
        Add("user", q.User);
        Add("action", q.Action);
        Add("from", q.From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Add("to", q.To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        return parts.Count == 0 ? path : $"{path}?{string.Join('&', parts)}";
    }

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(CsvPath, (HttpContext http, AuditExport export, TimeProvider clock, CancellationToken ct) =>
                ExportAsync(http, clock, "csv", "text/csv; charset=utf-8", async (actor, query) =>
                {
                    await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
                    await export.WriteCsvAsync(actor, query, writer, ct);
                }, ct))
            .RequireAuthorization();
        app.MapGet(JsonPath, (HttpContext http, AuditExport export, TimeProvider clock, CancellationToken ct) =>
                ExportAsync(http, clock, "json", "application/json; charset=utf-8",
                    (actor, query) => export.WriteJsonAsync(actor, query, http.Response.Body, ct), ct))
            .RequireAuthorization();
    }

    private static async Task ExportAsync(HttpContext http, TimeProvider clock, string extension, string contentType,
        Func<Core.Security.Actor, AuditQuery, Task> write, CancellationToken ct)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.ReportsRead);
        // Refused before the response starts (the Core check inside the writer would come after the headers).
        if (!actor.CanReadAudit)
            throw new Core.Common.DeskForbiddenException("Only admins and auditors export the audit trail.");
        var q = http.Request.Query;
        // A bad or far-off day is refused (400, naming it) before the download starts, not halfway through it.
        DateOnly? Date(string name) => Core.Common.UtcDays.ParseQuery(q[name], name, name == "from" ? "From" : "To");
        var query = new AuditQuery(q["ticket"], q["user"], q["action"], Date("from"), Date("to"));
        http.Response.ContentType = contentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{clock.GetUtcNow():yyyy-MM-dd-HHmm}.{extension}\"";
        await write(actor, query);
    }
}

using Portal.Core.Complaints;
using Portal.Core.Users;
using Portal.Security;

namespace Portal.Api;

/// <summary>The complaint register as CSV, with the register page's filters: the report a compliance officer hands over.</summary>
public static class ComplaintEndpoints
{
    public const string ExportPath = "/complaints/export.csv";

    public static string ExportUrl(ComplaintQuery q)
    {
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            if (value?.ToString() is { Length: > 0 } text)
                parts.Add($"{name}={Uri.EscapeDataString(text)}");
        }

        Add("department", q.DepartmentId);
        Add("outcome", q.Outcome);
        Add("regulatory", q.RegulatoryOnly ? "1" : null);
        Add("open", q.Open is { } open ? (open ? "1" : "0") : null);
        Add("severity", q.Severity);
        Add("from", q.ReceivedFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Add("to", q.ReceivedTo?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Add("text", q.Text);
        return parts.Count == 0 ? ExportPath : $"{ExportPath}?{string.Join('&', parts)}";
    }

    public static void MapComplaintEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet(ExportPath, async (HttpContext http, ComplaintService complaints, TimeProvider clock, CancellationToken ct) =>
            {
                var actor = await ApiAccess.CallerAsync(http, ApiScopes.ReportsRead);
                // Refused before the response starts (the Core check inside the writer would come after the headers).
                if (!(actor.IsStaff || actor.CanReadAudit))
                    throw new Core.Common.DeskForbiddenException("The complaint register is for agents, supervisors, admins and auditors.");
                var q = http.Request.Query;
                // A bad or far-off day is refused (400, naming it) before the download starts, not halfway through it.
                DateOnly? Date(string name) => Core.Common.UtcDays.ParseQuery(q[name], name, name == "from" ? "From" : "To");
                var query = new ComplaintQuery(int.TryParse(q["department"], out var dept) ? dept : null,
                    Enum.TryParse<ComplaintOutcome>(q["outcome"], out var outcome) ? outcome : null, q["regulatory"] == "1",
                    q["open"] == "1" ? true : q["open"] == "0" ? false : null,
                    Enum.TryParse<ComplaintSeverity>(q["severity"], out var severity) ? severity : null, Date("from"), Date("to"), q["text"]);
                http.Response.ContentType = "text/csv; charset=utf-8";
                http.Response.Headers.ContentDisposition = $"attachment; filename=\"complaints-{clock.GetUtcNow():yyyy-MM-dd}.csv\"";
                await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
                await complaints.WriteRegisterCsvAsync(actor, query, writer, ct);
            })
            .RequireAuthorization();
}

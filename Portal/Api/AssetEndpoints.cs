using Portal.Core.Assets;
using Portal.Core.Users;
using Portal.Security;

namespace Portal.Api;

public static class AssetEndpoints
{
    public const string ExportPath = "/assets/export.csv";

    /// <summary>The asset list's filters as a query string, so the export holds what the list shows.</summary>
    public static string ExportUrl(AssetQuery q)
    {
        var parts = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null && value.ToString() is { Length: > 0 } text)
                parts.Add($"{name}={Uri.EscapeDataString(text)}");
        }

        Add("text", q.Text);
        Add("type", q.TypeId);
        Add("status", q.Status);
        Add("department", q.DepartmentId);
        Add("site", q.Site);
        Add("building", q.Building);
        Add("warranty", q.WarrantyWithinDays);
        Add("repeat", q.RepeatFailuresOnly ? "1" : null);
        Add("sort", q.Sort);
        Add("desc", q.Descending ? "1" : null);
        return parts.Count == 0 ? ExportPath : $"{ExportPath}?{string.Join('&', parts)}";
    }

    public static void MapAssetEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet(ExportPath, async (HttpContext http, AssetCsv csv, TimeProvider clock, CancellationToken ct) =>
            {
                var actor = await ApiAccess.CallerAsync(http, ApiScopes.AssetsRead);
                // Refused before the response starts (the Core check inside WriteAsync would come after the headers).
                if (!actor.IsStaff)
                    throw new Core.Common.DeskForbiddenException("Only agents, supervisors and admins export assets.");
                var q = http.Request.Query;
                int? Int(string name) => int.TryParse(q[name], out var v) ? v : null;
                var query = new AssetQuery(q["text"], Int("type"),
                    Enum.TryParse<AssetStatus>(q["status"], out var s) ? s : null, Int("department"), q["site"],
                    q.ContainsKey("building") ? q["building"].ToString() : null, Int("warranty"), q["repeat"] == "1",
                    Enum.TryParse<AssetSort>(q["sort"], out var sort) ? sort : AssetSort.Tag, q["desc"] == "1");
                var name = $"assets-{clock.GetUtcNow():yyyy-MM-dd}.csv";
                http.Response.ContentType = "text/csv; charset=utf-8";
                http.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
                await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
                await csv.WriteAsync(actor, query, writer, ct);
            })
            .RequireAuthorization();
}

using Microsoft.AspNetCore.Mvc;
using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Users;
using Portal.Security;

namespace Portal.Api;

public static class SlaEndpoints
{
    public const int MaxScenarioBytes = 1024 * 1024;

    /// <summary>POST /api/sla/simulate: a scenario in the contract's format; the same document the CLI prints, or 400 naming the field.</summary>
    public static void MapSlaEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/sla/simulate", async (HttpContext http, CancellationToken ct) =>
            {
                var actor = await ApiAccess.CallerAsync(http, ApiScopes.Admin);
                Access.RequireAdmin(actor, "Only admins can run the SLA simulator.");
                // The declared length, and the bytes as they come (a chunked body declares none).
                var json = http.Request.ContentLength > MaxScenarioBytes ? null : await ReadAtMostAsync(http.Request.Body, MaxScenarioBytes, ct);
                if (json is null)
                    return Results.Problem(statusCode: 413, title: "The scenario is too large.", detail: $"At most {MaxScenarioBytes} bytes.");
                try
                {
                    return Results.Text(SlaSimulator.Run(json), "application/json", System.Text.Encoding.UTF8);
                }
                catch (SlaInputException ex)
                {
                    return Results.Problem(new ProblemDetails
                    {
                        Status = 400, Title = "The scenario was not accepted.", Detail = ex.Message,
                        Extensions = { ["field"] = ex.Field, ["errors"] = new Dictionary<string, string> { [ex.Field] = ex.Problem } },
                    });
                }
            })
            .RequireAuthorization()
            .DisableAntiforgery();

    /// <summary>The body as text, or null as soon as it passes <paramref name="limit"/> bytes (nothing more is read).</summary>
    private static async Task<string?> ReadAtMostAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
    }
}

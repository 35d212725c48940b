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
        app.MapPost("/api/sla/simulate", async (HttpContext http, ActorService actors, CancellationToken ct) =>
            {
                var actor = await CurrentActor.FromPrincipalAsync(http.User, actors, ct);
                Access.RequireAdmin(actor, "Only admins can run the SLA simulator.");
                if (http.Request.ContentLength > MaxScenarioBytes)
                    return Results.Problem(statusCode: 413, title: "The scenario is too large.", detail: $"At most {MaxScenarioBytes} bytes.");
                using var reader = new StreamReader(http.Request.Body);
                var json = await reader.ReadToEndAsync(ct);
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
}

using Portal.Core.Approvals;
using Portal.Core.Handling;
using Portal.Core.Users;

namespace Portal.Api;

/// <summary>A decision on an approval step: approve, or reject with a reason (the requester is told it).</summary>
public sealed record ApiDecision(bool Approve, string? Reason);

/// <summary>Approvals over the API: a ticket's steps, what waits for the caller, and decisions, with the same rules as the pages.</summary>
public static class ApprovalApi
{
    public static void MapApprovalApi(this RouteGroupBuilder api)
    {
        api.MapGet("/tickets/{ticket}/approvals", async (HttpContext http, string ticket, TicketQueries queries, ApprovalService approvals) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
            return Results.Ok(await approvals.StepsAsync(actor, await queries.FindIdAsync(actor, ticket, http.RequestAborted), http.RequestAborted));
        }).WithTags("Approvals").WithSummary("A request's approval steps: who was asked and what each decided").Produces<List<ApprovalView>>();
        var group = api.MapGroup("/approvals").WithTags("Approvals");
        group.MapGet("/mine", async (HttpContext http, ApprovalService approvals) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
            return Results.Ok(await approvals.MineAsync(actor, http.RequestAborted));
        }).WithSummary("The approval steps waiting for the caller's decision, oldest first").Produces<List<PendingApproval>>();
        group.MapPost("/{id:int}/decision", async (HttpContext http, int id, ApiDecision body, ApprovalService approvals) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsWrite);
            return Results.Ok(await approvals.DecideAsync(actor, id, body.Approve, body.Reason, http.RequestAborted));
        }).WithSummary("Approve, or reject with a reason (400 names the field; 403 not an approver or the requester; 409 already decided)")
            .Produces<ApprovalDecision>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}

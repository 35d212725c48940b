using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Security;
using Portal.Core.Handling;

namespace Portal.Api;

public static class AttachmentEndpoints
{
    public static void MapAttachmentEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/attachments/{id:int}", async (int id, HttpContext http, ActorService actors, TicketQueries tickets,
                CancellationToken ct) =>
            {
                var actor = await CurrentActor.FromPrincipalAsync(http.User, actors, ct);
                var file = await tickets.GetAttachmentAsync(actor, id, ct);
                // Always a download (Content-Disposition: attachment, the name encoded), and inert should a browser show it.
                http.Response.Headers.ContentSecurityPolicy = SecurityHeaders.FilePolicy;
                return Results.File(file.Data, file.ContentType, file.FileName);
            })
            .RequireAuthorization();
}

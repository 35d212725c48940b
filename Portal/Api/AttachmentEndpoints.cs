using Portal.Core.Knowledge;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Security;
using Portal.Core.Handling;

namespace Portal.Api;

public static class AttachmentEndpoints
{
    public static void MapAttachmentEndpoints(this IEndpointRouteBuilder app)
    {
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

        // An article's files: its images shown in place (PNG, JPEG, GIF, WebP by their names, never SVG), anything else a download.
        app.MapGet("/kb/files/{id:int}", async (int id, HttpContext http, ActorService actors, ArticleFileService files, CancellationToken ct) =>
            {
                var actor = await CurrentActor.FromPrincipalAsync(http.User, actors, ct);
                var file = await files.GetAsync(actor, id, ct);
                http.Response.Headers.ContentSecurityPolicy = SecurityHeaders.FilePolicy;
                http.Response.Headers.CacheControl = "private, max-age=3600";
                return file.Inline ? Results.File(file.Data, file.ContentType) : Results.File(file.Data, file.ContentType, file.FileName);
            })
            .RequireAuthorization();
    }
}

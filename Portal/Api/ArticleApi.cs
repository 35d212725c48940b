using Portal.Core.Knowledge;
using Portal.Core.Users;

namespace Portal.Api;

/// <summary>The knowledge base over the API (read only): search and read the articles the caller may read, by the pages' rules.</summary>
public static class ArticleApi
{
    public static void MapArticleApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/articles").WithTags("Knowledge base");
        group.MapGet("/", async (HttpContext http, string? q, int? departmentId, KnowledgeService knowledge) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
            return string.IsNullOrWhiteSpace(q)
                ? Results.Ok(await knowledge.PublishedAsync(actor, departmentId, ct: http.RequestAborted))
                : Results.Ok(await knowledge.SearchAsync(actor, q, departmentId, 20, http.RequestAborted));
        }).WithSummary("Published articles the caller may read: with q, those matching it best first (snippets mark the words found); without, the latest")
            .Produces<List<ArticleHit>>();
        group.MapGet("/{id:int}", async (HttpContext http, int id, KnowledgeService knowledge) =>
        {
            var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
            return Results.Ok(await knowledge.GetAsync(actor, id, http.RequestAborted));
        }).WithSummary("One article, its text as Markdown and as sanitized HTML (404 for one the caller may not read)")
            .Produces<ArticleView>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Admin;
using Portal.Core.Knowledge;
using Portal.Core.Users;
using Portal.Tests.Integration;

namespace Portal.Tests.Api;

/// <summary>The knowledge base over the API: what the pages show, and staff-only articles never to a requester.</summary>
public sealed class ArticleApiTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    private async Task<HttpClient> ClientAsync(DeskUser user)
    {
        var made = await fx.Factory.Services.GetRequiredService<ApiTokenService>().CreateAsync(fx.Org.ActorFor(user), user.Id, "kb", [ApiScopes.TicketsRead], null);
        var client = fx.Factory.ClientFor(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Secret);
        return client;
    }

    [Fact]
    public async Task SearchAndRead_FollowWhoMayReadWhat()
    {
        var kb = fx.Factory.Services.GetRequiredService<KnowledgeService>();
        var agent = fx.Org.ActorFor(fx.Org.ItAgent);
        var word = "zebracrossing" + Guid.NewGuid().ToString("N")[..4];
        var open = await kb.SaveAsync(agent, new ArticleInput(null, fx.Org.It.Id, $"Badge {word}", "", $"Hold it to the {word} reader.", "",
            ArticleState.Published, ArticleVisibility.Everyone));
        var staff = await kb.SaveAsync(agent, new ArticleInput(null, fx.Org.It.Id, $"Badge {word} procedure", "", "Reset it in the console.", "",
            ArticleState.Published, ArticleVisibility.Staff));

        var rita = await ClientAsync(fx.Org.Requester);
        var hits = JsonDocument.Parse(await rita.GetStringAsync($"/api/v1/articles?q={word}")).RootElement;
        Assert.Equal([open], hits.EnumerateArray().Select(h => h.GetProperty("id").GetInt32()));
        Assert.Contains("<mark>", hits[0].GetProperty("snippet").GetString());
        var article = JsonDocument.Parse(await rita.GetStringAsync($"/api/v1/articles/{open}")).RootElement;
        Assert.Contains("<p>Hold it to the", article.GetProperty("html").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/api/v1/articles/{staff}")).StatusCode);

        var ivan = await ClientAsync(fx.Org.ItAgent);
        var forStaff = JsonDocument.Parse(await ivan.GetStringAsync($"/api/v1/articles?q={word}")).RootElement;
        Assert.Equal(2, forStaff.GetArrayLength());
    }
}

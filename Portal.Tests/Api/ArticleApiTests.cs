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

    [Fact]
    public async Task AnArticlesImage_IsServedInPlace_ItsFormAsADownload_AndAStaffOnlyOnesFilesNotAtAll()
    {
        var kb = fx.Factory.Services.GetRequiredService<KnowledgeService>();
        var files = fx.Factory.Services.GetRequiredService<ArticleFileService>();
        var agent = fx.Org.ActorFor(fx.Org.ItAgent);
        var open = await kb.SaveAsync(agent, new ArticleInput(null, fx.Org.It.Id, "Dock", "", "Plug it in.", "", ArticleState.Published, ArticleVisibility.Everyone));
        var staff = await kb.SaveAsync(agent, new ArticleInput(null, fx.Org.It.Id, "Dock firmware", "", "Flash it.", "", ArticleState.Published, ArticleVisibility.Staff));
        var added = await files.AddAsync(agent, open, [new Portal.Core.Tickets.NewAttachment("dock.png", "", [0x89, 0x50, 0x4E, 0x47]),
            new Portal.Core.Tickets.NewAttachment("form.pdf", "", [0x25, 0x50, 0x44, 0x46])]);
        var hidden = (await files.AddAsync(agent, staff, [new Portal.Core.Tickets.NewAttachment("console.png", "", [0x89, 0x50])]))[0];

        var rita = fx.Factory.ClientFor(fx.Org.Requester.Id);
        var image = await rita.GetAsync(added[0].Link);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Null(image.Content.Headers.ContentDisposition);
        Assert.Contains("sandbox", image.Headers.GetValues("Content-Security-Policy").Single());
        var form = await rita.GetAsync(added[1].Link);
        Assert.Equal("attachment", form.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync(hidden.Link)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fx.Factory.ClientFor(fx.Org.ItAgent.Id).GetAsync(hidden.Link)).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await fx.Factory.ClientFor(null).GetAsync(added[0].Link)).StatusCode);
    }
}

using Bunit;
using Portal.Core.Knowledge;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>The knowledge base's figures as a supervisor reads them: on their report page and in a line on the dashboard.</summary>
public class KnowledgeReportPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task TheReport_ShowsAnsweredRequests_Helpfulness_TheMostRead_AndReviewsDue_AndTheDashboardLineLinksToIt()
    {
        var org = _db.Org;
        var kb = _db.Get<KnowledgeService>();
        var today = DateOnly.FromDateTime(_db.Clock.GetUtcNow().UtcDateTime);
        var vpn = await kb.SaveAsync(org.ActorFor(org.ItAgent), new ArticleInput(null, org.It.Id, "Connect to the VPN", "", "Open the client.", "",
            ArticleState.Published, ArticleVisibility.Everyone, ReviewBy: today.AddDays(-2)));
        var reader = org.ActorFor(org.Requester);
        await kb.SignalAsync(reader, vpn, ArticleSignalKind.View);
        await kb.SignalAsync(reader, vpn, ArticleSignalKind.Deflected);
        await kb.SignalAsync(reader, vpn, ArticleSignalKind.Helpful);
        await kb.SignalAsync(reader, vpn, ArticleSignalKind.NotHelpful, "Which client?");

        await using var ctx = DeskBunit.Create(_db, org.ItSupervisor);
        var page = ctx.Render<Portal.Features.Reports.KnowledgeReportPage>();
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=tile-deflected] .mud-typography-h5").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Contains("50 %", page.Find("[data-testid=tile-helpful]").TextContent);
        Assert.Contains("Connect to the VPN", page.Find("[data-testid=knowledge-articles]").TextContent);
        Assert.Contains("(passed)", page.Find("[data-testid=knowledge-due]").TextContent);
        Assert.Contains("Which client?", page.Find("[data-testid=knowledge-comments]").TextContent);

        var strip = ctx.Render<Portal.Features.Reports.KnowledgeStrip>(p => p
            .Add(x => x.Actor, org.ActorFor(org.ItSupervisor)).Add(x => x.Now, _db.Clock.GetUtcNow().UtcDateTime));
        strip.WaitForAssertion(() => Assert.Contains("1 request answered by an article", strip.Find("[data-testid=knowledge-strip]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("50 % found helpful · 1 due for review", strip.Markup);
    }
}

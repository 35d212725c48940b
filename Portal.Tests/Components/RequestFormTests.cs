using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Tickets;
using Portal.Features.Requests;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Components;

public class RequestFormTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _ctx = DeskBunit.Create(_db, _db.Org.Requester);
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    private IRenderedComponent<RequestForm> RenderForm(Action<CreatedTicket>? onCreated = null) =>
        _ctx.Render<RequestForm>(p => p
            .Add(f => f.Actor, _db.Org.ActorFor(_db.Org.Requester))
            .Add(f => f.InitialDepartmentId, _db.Org.It.Id)
            .Add(f => f.OnCreated, c => onCreated?.Invoke(c)));

    [Fact]
    public async Task ChoosingACategory_ShowsItsFields_ButNotAgentOnlyOnes()
    {
        var cut = RenderForm();
        Assert.DoesNotContain("Asset tag", cut.Markup);
        await cut.Choose<int?, RequestForm>("What is it about?", _db.Org.Laptop.Id);

        cut.WaitForAssertion(() => Assert.Contains("Asset tag *", cut.Markup));
        Assert.Contains("Operating system *", cut.Markup);
        Assert.Contains("People affected", cut.Markup);
        Assert.DoesNotContain("Diagnosis", cut.Markup);
    }

    [Fact]
    public async Task Submit_WithRequiredFieldsMissing_ShowsErrorsAndKeepsWhatWasTyped()
    {
        CreatedTicket? created = null;
        var cut = RenderForm(c => created = c);
        await cut.Choose<int?, RequestForm>("What is it about?", _db.Org.Laptop.Id);
        cut.WaitForAssertion(() => Assert.Contains("Asset tag *", cut.Markup));
        cut.Type("Title", "Laptop dead");
        cut.Type("Description", "Will not power on");

        cut.Find("[data-testid=submit]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Asset tag is required.", cut.Markup));
        Assert.Contains("Operating system is required.", cut.Markup);
        Assert.Null(created);
        Assert.Equal("Laptop dead", cut.TextField("Title").Find("input").GetAttribute("value"));
        Assert.Equal("Will not power on", cut.TextField("Description").Find("textarea").TextContent);
        await using var ctx = _db.NewContext();
        Assert.False(await ctx.Tickets.AnyAsync());
    }

    [Fact]
    public async Task Submit_Complete_FilesTheRequest()
    {
        CreatedTicket? created = null;
        var cut = RenderForm(c => created = c);
        await cut.Choose<int?, RequestForm>("What is it about?", _db.Org.Laptop.Id);
        cut.WaitForAssertion(() => Assert.Contains("Asset tag *", cut.Markup));
        cut.Type("Title", "Laptop dead");
        cut.Type("Description", "Will not power on");
        cut.Type("Asset tag", "LT-4242");
        await cut.Choose<string, RequestForm>("Operating system", "macOS");

        cut.Find("[data-testid=submit]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(created));
        Assert.Equal("IT-1", created!.Key);
        var details = await _db.Get<TicketQueries>().GetAsync(_db.Org.ActorFor(_db.Org.Requester), created.Id);
        Assert.Equal("Laptop dead", details.Title);
        Assert.Equal("LT-4242", details.Fields.Single(f => f.Label == "Asset tag").Value);
        Assert.Equal("macOS", details.Fields.Single(f => f.Label == "Operating system").Value);
    }

    [Fact]
    public async Task ArticlesThatMayAnswerIt_AppearAsTheTitleIsTyped_AfterAPause_AndTheOneThatAnsweredIsCounted()
    {
        var kb = _db.Get<Portal.Core.Knowledge.KnowledgeService>();
        var fan = await kb.SaveAsync(_db.Org.ActorFor(_db.Org.ItAgent), new Portal.Core.Knowledge.ArticleInput(null, _db.Org.It.Id, "Laptop fan very loud",
            "", "Clean the vents.", "", Portal.Core.Knowledge.ArticleState.Published, Portal.Core.Knowledge.ArticleVisibility.Everyone));
        await kb.SaveAsync(_db.Org.ActorFor(_db.Org.ItAgent), new Portal.Core.Knowledge.ArticleInput(null, _db.Org.It.Id, "Laptop fan procedure",
            "", "Open the case.", "", Portal.Core.Knowledge.ArticleState.Published, Portal.Core.Knowledge.ArticleVisibility.Staff));
        Portal.Core.Knowledge.ArticleHit? answered = null;
        var cut = _ctx.Render<RequestForm>(p => p
            .Add(f => f.Actor, _db.Org.ActorFor(_db.Org.Requester))
            .Add(f => f.InitialDepartmentId, _db.Org.It.Id)
            .Add(f => f.OnAnswered, h => answered = h));
        await cut.Choose<int?, RequestForm>("What is it about?", _db.Org.Laptop.Id);
        cut.WaitForAssertion(() => Assert.Contains("Asset tag *", cut.Markup));

        cut.Type("Title", "my laptop fan is loud");
        Assert.Empty(cut.FindAll("[data-testid=suggestion]")); // not before the pause
        _db.Clock.Advance(Portal.Features.Knowledge.ArticleSuggestions.Debounce);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=suggestion]")), TimeSpan.FromSeconds(10));
        Assert.Contains("Laptop fan very loud", cut.Find("[data-testid=suggestions]").TextContent);
        Assert.DoesNotContain("procedure", cut.Find("[data-testid=suggestions]").TextContent); // staff only

        cut.Find("[data-testid=answered]").Click();
        cut.WaitForAssertion(() => Assert.Equal(fan, answered?.Id), TimeSpan.FromSeconds(10));
        await using var db = _db.NewContext();
        var deflection = await db.ArticleSignals.SingleAsync(s => s.Kind == Portal.Core.Knowledge.ArticleSignalKind.Deflected);
        Assert.Equal((fan, _db.Org.Requester.Id, "my laptop fan is loud"), (deflection.ArticleId, deflection.UserId, deflection.Comment));
        Assert.False(await db.Tickets.AnyAsync(t => t.Title == "my laptop fan is loud"));
    }
}

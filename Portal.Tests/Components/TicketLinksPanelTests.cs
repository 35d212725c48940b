using Bunit;
using Portal.Core.Tickets;
using Portal.Features.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Components;

/// <summary>The ticket page's linked-tickets panel: a link added by number, a mistyped number named, a merge confirmed first.</summary>
public class TicketLinksPanelTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task AnAgent_LinksByNumber_IsToldOfAMistypedOne_AndMergesOnlyAfterConfirming()
    {
        var original = await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester), TicketFactory.Laptop(_db.Org, "Printer jams"));
        var duplicate = await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.OtherRequester), TicketFactory.Laptop(_db.Org, "Printer broken"));
        var cut = _ctx.Render<TicketLinksPanel>(p => p.Add(x => x.TicketId, duplicate.Id).Add(x => x.Actor, _db.Org.ActorFor(_db.Org.ItAgent)));
        cut.WaitForAssertion(() => Assert.Contains("No linked tickets.", cut.Markup));

        cut.Find("[data-testid=link-key]").Change("IT-9999");
        cut.Find("[data-testid=link-ticket]").Click();
        cut.WaitForAssertion(() => Assert.Contains("there is no ticket IT-9999", cut.Markup));
        Assert.Equal("IT-9999", cut.Find("[data-testid=link-key]").GetAttribute("value"));

        cut.Find("[data-testid=link-key]").Change(original.Key);
        cut.Find("[data-testid=link-ticket]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Printer jams", cut.Find("[data-testid=ticket-link]").TextContent));

        cut.Find("[data-testid=link-key]").Change(original.Key);
        cut.Find("[data-testid=merge-ticket]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=merge-confirm]")));
        Assert.NotEqual(TicketStatus.Closed, (await _db.Get<TicketQueries>().GetAsync(_db.Org.ActorFor(_db.Org.ItAgent), duplicate.Id)).Status);
        cut.Find("[data-testid=merge-yes]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Duplicate of", cut.Markup));
        Assert.Equal(TicketStatus.Closed, (await _db.Get<TicketQueries>().GetAsync(_db.Org.ActorFor(_db.Org.ItAgent), duplicate.Id)).Status);
    }
}

using Bunit;
using Portal.Core.Tickets;
using Portal.Features.Board;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Components;

public class BoardPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester), TicketFactory.Laptop(_db.Org, "Printer on fire") with { Priority = TicketPriority.Critical });
        _ctx = DeskBunit.Create(_db, _db.Org.ItSupervisor);
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task ANewCriticalTicket_AppearsAndIsCounted_WithoutReloading()
    {
        var cut = _ctx.Render<BoardPage>();
        cut.WaitForAssertion(() => Assert.Equal("1 at risk", cut.Find("[data-testid=at-risk-count]").TextContent));
        Assert.Contains("Printer on fire", cut.Find("[data-testid=board-tickets]").TextContent);

        await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester), TicketFactory.Laptop(_db.Org, "Server room flooded") with { Priority = TicketPriority.Critical });

        cut.WaitForAssertion(() => Assert.Equal("2 at risk", cut.Find("[data-testid=at-risk-count]").TextContent));
        Assert.Contains("Server room flooded", cut.Find("[data-testid=board-tickets]").TextContent);
    }

    [Fact]
    public async Task Reassign_OpensOneSelectForThatRow_AndHandsTheTicketOver()
    {
        var cut = _ctx.Render<BoardPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=board-reassign]")));
        Assert.Empty(cut.FindAll("[data-testid=board-assignee]"));

        // The row is markup; its button's click reaches the page as one "boardaction" event on the table.
        var ticketId = int.Parse(cut.Find("[data-testid=board-reassign]").GetAttribute("data-ticket")!, System.Globalization.CultureInfo.InvariantCulture);
        await cut.Find("[data-testid=board-tickets]").TriggerEventAsync("onboardaction",
            new Portal.Features.Board.BoardActionEventArgs { Action = "reassign", TicketId = ticketId });
        var select = cut.WaitForElement("[data-testid=board-assignee]");
        Assert.Contains("Ian Agent", select.TextContent);
        select.Change(_db.Org.ItAgent.Id);

        cut.WaitForAssertion(() => Assert.Contains("Ian Agent", cut.Find("[data-testid=board-tickets]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=board-assignee]"));
        Assert.Contains("is now with Ian Agent", cut.Find("[data-testid=board-message]").TextContent);
        var ticket = (await _db.Get<QueueService>().QueryAsync(_db.Org.ActorFor(_db.Org.ItSupervisor), new QueueQuery(_db.Org.It.Id))).Items.Single();
        Assert.Equal("Ian Agent", ticket.AssigneeName);
    }
}

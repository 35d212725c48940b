using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Tickets;
using Portal.Features.Tickets;
using Portal.Tests.Persistence;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Components;

public class TicketPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;
    private int _ticketId;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _ticketId = (await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester))).Id;
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task ConflictingEdit_IsExplained_AndTheAgentsEditIsKeptUntilSavedOverIt()
    {
        var cut = _ctx.Render<TicketPage>(p => p.Add(x => x.Id, _ticketId));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=save-ticket]")));
        await cut.Choose<TicketPriority, TicketPage>("Priority", TicketPriority.High);

        // Meanwhile Ida resolves the ticket.
        var tickets = _db.Get<TicketCommands>();
        var reads = _db.Get<TicketQueries>();
        var ida = _db.Org.ActorFor(_db.Org.ItAgent2);
        var current = await reads.GetAsync(ida, _ticketId);
        await tickets.UpdateAsync(ida, _ticketId, current.Version, TicketServiceTests.TicketEditModelFor(current) with { Status = TicketStatus.Resolved });

        cut.Find("[data-testid=save-ticket]").Click();

        cut.WaitForAssertion(() => Assert.Contains("was changed by Ida Agent", cut.Find("[data-testid=conflict]").TextContent));
        var conflict = cut.Find("[data-testid=conflict]").TextContent;
        Assert.Contains("Status is now Resolved; yours: New", conflict);
        Assert.Contains("Priority is now Normal; yours: High", conflict);
        Assert.Equal(TicketPriority.Normal, (await reads.GetAsync(ida, _ticketId)).Priority);

        cut.FindAll("[data-testid=conflict] button").First(b => b.TextContent.Contains("Save mine")).Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=conflict]")));
        var saved = await reads.GetAsync(ida, _ticketId);
        Assert.Equal(TicketPriority.High, saved.Priority);
        Assert.Equal(TicketStatus.New, saved.Status);
    }

    [Fact]
    public void InternalNote_AppearsAtOnce_MarkedInternal()
    {
        var cut = _ctx.Render<TicketPage>(p => p.Add(x => x.Id, _ticketId));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=send-reply]")));
        cut.FindAll("[data-testid=reply-kind] button, [data-testid=reply-kind] .mud-toggle-item").First(b => b.TextContent.Contains("Internal note")).Click();
        cut.Type("Internal note", "Checked the warranty");
        cut.Find("[data-testid=send-reply]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Checked the warranty", cut.Find("[data-testid=conversation]").TextContent));
        Assert.Contains("Internal note", cut.Find(".conversation-item.note").TextContent);
        var sla = cut.Find("[data-testid=sla-panel]").TextContent;
        Assert.Contains("Policy: Standard", sla);
        Assert.Contains("First response", sla);
    }

    [Fact]
    public async Task RequesterOpeningTheAgentView_IsTakenToTheRequestPage()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.Requester);
        var navigation = ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        var cut = ctx.Render<TicketPage>(p => p.Add(x => x.Id, _ticketId));
        cut.WaitForAssertion(() => Assert.EndsWith($"/requests/{_ticketId}", navigation.Uri));
        Assert.Empty(cut.FindAll("[data-testid=save-ticket]"));
    }
}

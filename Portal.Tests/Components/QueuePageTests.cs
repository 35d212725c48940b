using Bunit;
using Portal.Core.Tickets;
using Portal.Features.Queues;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Components;

public class QueuePageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        var rita = _db.Org.ActorFor(_db.Org.Requester);
        await TicketFactory.FileAsync(_db, rita, TicketFactory.Laptop(_db.Org, "Printer on fire"));
        await TicketFactory.FileAsync(_db, rita, TicketFactory.Laptop(_db.Org, "VPN keeps dropping"));
        await _db.Get<TicketFiling>().CreateAsync(rita, TicketFactory.Payroll(_db.Org, "Payroll secret"));
    }

    public async Task DisposeAsync()
    {
        if (_ctx is not null)
            await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public void AgentSeesOwnDepartmentsTickets_Only()
    {
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
        var cut = _ctx.Render<QueuePage>(p => p.Add(x => x.DepartmentId, _db.Org.It.Id));
        cut.WaitForAssertion(() => Assert.Contains("Printer on fire", cut.Markup));
        Assert.Contains("VPN keeps dropping", cut.Markup);
        Assert.DoesNotContain("Payroll secret", cut.Markup);
        cut.WaitForAssertion(() => Assert.Contains("2 tickets", cut.Find("[data-testid=queue-total]").TextContent));
    }

    [Fact]
    public async Task SearchNarrowsTheList()
    {
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
        var cut = _ctx.Render<QueuePage>(p => p.Add(x => x.DepartmentId, _db.Org.It.Id));
        cut.WaitForAssertion(() => Assert.Contains("Printer on fire", cut.Markup));
        var search = cut.TextField("Search number or title");
        await cut.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync("vpn"));
        cut.WaitForAssertion(() => Assert.DoesNotContain("Printer on fire", cut.Markup));
        Assert.Contains("VPN keeps dropping", cut.Markup);
    }

    [Fact]
    public void AssignToMe_TakesTheRowAndShowsTheName()
    {
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
        var cut = _ctx.Render<QueuePage>(p => p.Add(x => x.DepartmentId, _db.Org.It.Id));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=assign-to-me]").Count));
        cut.FindAll("[data-testid=assign-to-me]")[0].Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=assign-to-me]")));
        Assert.Contains("Ian Agent", cut.Markup);
    }

    [Fact]
    public async Task NewTicketInTheDepartment_AppearsWithoutReload_Highlighted()
    {
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
        var cut = _ctx.Render<QueuePage>(p => p.Add(x => x.DepartmentId, _db.Org.It.Id));
        cut.WaitForAssertion(() => Assert.Contains("Printer on fire", cut.Markup));
        await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester), TicketFactory.Laptop(_db.Org, "Projector smoking"));
        cut.WaitForAssertion(() => Assert.Contains("Projector smoking", cut.Find("tr.row-highlight").TextContent));
        cut.WaitForAssertion(() => Assert.Contains("3 tickets", cut.Find("[data-testid=queue-total]").TextContent));
    }

    [Fact]
    public void AgentOfAnotherDepartment_IsToldNo()
    {
        _ctx = DeskBunit.Create(_db, _db.Org.HrAgent);
        var cut = _ctx.Render<QueuePage>(p => p.Add(x => x.DepartmentId, _db.Org.It.Id));
        cut.WaitForAssertion(() => Assert.Contains("you are not an agent or supervisor of its department", cut.Markup));
        Assert.DoesNotContain("Printer on fire", cut.Markup);
    }

    [Fact]
    public async Task PickedTickets_TakeAMacro_AndTheQueueSaysWhatItDidToEach()
    {
        var macro = await _db.Get<Portal.Core.Responses.CannedResponseService>().SaveAsync(_db.Org.ActorFor(_db.Org.ItSupervisor),
            new Portal.Core.Responses.ResponseInput(null, _db.Org.It.Id, Portal.Core.Responses.ResponseScope.Department, null, "Take and wait",
                "Hi {requester.firstName}, we are on {ticket.key}.", Changes: new MacroChanges(TicketStatus.PendingRequester, AssignToMe: true)));
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
        var cut = _ctx.Render<QueuePage>(p => p.Add(x => x.DepartmentId, _db.Org.It.Id));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=assign-to-me]").Count));
        Assert.Empty(cut.FindAll("[data-testid=picked-bar]"));

        var all = cut.FindComponents<MudBlazor.MudCheckBox<bool?>>().Single();
        await cut.InvokeAsync(() => all.Instance.ValueChanged.InvokeAsync(true));
        cut.WaitForAssertion(() => Assert.Equal("2 picked", cut.Find("[data-testid=picked-count]").TextContent.Trim()));
        var select = cut.FindComponents<MudBlazor.MudSelect<int>>().Single(s => s.Instance.Label == "Macro");
        await cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(macro));
        cut.WaitForAssertion(() => Assert.Contains("Status → Waiting", cut.Find("[data-testid=picked-macro-changes]").TextContent));
        cut.Find("[data-testid=picked-apply]").Click();

        cut.WaitForAssertion(() => Assert.Contains("applied to 2 of 2 tickets", cut.Find("[data-testid=picked-outcome]").TextContent), TimeSpan.FromSeconds(10));
        // Both are the agent's now, and the selection is gone.
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=assign-to-me]")));
        Assert.Empty(cut.FindAll("[data-testid=picked-count]"));
    }

    [Fact]
    public async Task PickedTickets_TakeABulkChange_AndUndoPutsThemBack()
    {
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
        var cut = _ctx.Render<QueuePage>(p => p.Add(x => x.DepartmentId, _db.Org.It.Id));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=assign-to-me]").Count));
        var all = cut.FindComponents<MudBlazor.MudCheckBox<bool?>>().Single();
        await cut.InvokeAsync(() => all.Instance.ValueChanged.InvokeAsync(true));
        var assignee = cut.FindComponents<MudBlazor.MudSelect<string>>().Single(s => s.Instance.Label == "Assignee" && s.Instance.ToStringFunc?.Invoke(BulkChange.Nobody) == "Nobody (unassign)");
        await cut.InvokeAsync(() => assignee.Instance.ValueChanged.InvokeAsync(_db.Org.ItAgent.Id));
        cut.Find("[data-testid=bulk-apply]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Changed 2 of 2 tickets", cut.Find("[data-testid=picked-outcome]").TextContent), TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=assign-to-me]")));
        cut.Find("[data-testid=bulk-undo]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Put back 2 of 2 tickets", cut.Find("[data-testid=picked-outcome]").TextContent), TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=assign-to-me]").Count));
    }
}

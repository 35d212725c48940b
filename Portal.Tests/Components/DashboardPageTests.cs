using Bunit;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Reporting;
using Portal.Features.Reports;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>The dashboard page: tiles follow ticket changes without a reload; widgets are added, changed and removed, and a nameless dashboard is refused naming the field.</summary>
public class DashboardPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester), TicketFactory.Laptop(_db.Org, "First"));
        _ctx = DeskBunit.Create(_db, _db.Org.ItSupervisor);
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    private const string CreatedTile = "[data-testid=widget][data-kind=Tile][data-measure=Created] [data-testid=widget-value]";

    [Fact]
    public async Task TheSupervisorsTiles_CountANewTicket_WithoutAReload()
    {
        var cut = _ctx.Render<DashboardPage>();
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find(CreatedTile).TextContent));
        Assert.Equal("My departments", cut.Find("[data-testid=dashboard-name]").TextContent);

        await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester), TicketFactory.Laptop(_db.Org, "Second"));
        // The page waits two seconds for more changes before it reads the figures again.
        Assert.Equal("1", cut.Find(CreatedTile).TextContent);
        ((FakeTimeProvider)_db.Get<TimeProvider>()).Advance(TimeSpan.FromSeconds(2));
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find(CreatedTile).TextContent));
    }

    [Fact]
    public async Task ANewDashboard_TakesAndDropsWidgets_AndIsNotSavedWithoutAName()
    {
        var cut = _ctx.Render<DashboardPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=new-dashboard]"));
        await cut.InvokeAsync(() => cut.Find("[data-testid=new-dashboard]").Click());
        Assert.Empty(cut.FindAll("[data-testid=widget]"));

        await cut.Choose("Measure", Measure.Breaches);
        await cut.InvokeAsync(() => cut.Find("[data-testid=add-widget]").Click());
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=widget][data-measure=Breaches]")));
        await cut.InvokeAsync(() => cut.Find("[data-testid=add-widget]").Click());
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=widget]").Count));
        await cut.InvokeAsync(() => cut.Find("[data-testid=remove-widget]").Click());
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=widget]")));

        // Changing the remaining widget's settings keeps it in its place, with the new measure.
        await cut.InvokeAsync(() => cut.Find("[data-testid=change-widget]").Click());
        cut.WaitForAssertion(() => Assert.Contains("Change the widget", cut.Find("[data-testid=widget-picker]").TextContent));
        await cut.Choose("Measure", Measure.Resolved);
        await cut.InvokeAsync(() => cut.Find("[data-testid=add-widget]").Click());
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=widget][data-measure=Resolved]")));
        Assert.Single(cut.FindAll("[data-testid=widget]"));
        Assert.Contains("Add a widget", cut.Find("[data-testid=widget-picker]").TextContent);

        cut.Type("Name", " ");
        await cut.InvokeAsync(() => cut.Find("[data-testid=save-dashboard]").Click());
        cut.WaitForAssertion(() => Assert.Contains("Name is required.", cut.Markup));
        Assert.Single(cut.FindAll("[data-testid=widget][data-measure=Resolved]"));
        Assert.Single(cut.FindAll("[data-testid=widget]")); // nothing typed or added is lost
        Assert.Empty(await _db.Get<DashboardService>().ListAsync(_db.Org.ActorFor(_db.Org.ItSupervisor)));
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Notifications;
using Portal.Core.Reporting;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>Dashboards (defaults, saving, sharing, rights) and scheduled reports (recipients, once per period, catch-up) on a real database.</summary>
public class DashboardTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private DashboardService Dashboards => _db.Get<DashboardService>();
    private ScheduledReportService Scheduled => _db.Get<ScheduledReportService>();

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        // Monday 23 November: two IT tickets (one assigned to Ian), one HR ticket.
        var first = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Ian's"));
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Nobody's"));
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org));
        var ian = Org.ActorFor(Org.ItAgent);
        var t = await _db.Get<TicketQueries>().GetAsync(ian, first.Id);
        await _db.Get<TicketCommands>().UpdateAsync(ian, first.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { AssigneeId = Org.ItAgent.Id });
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static Widget Tile(Measure m, int? department = null, bool mine = false) =>
        new(Widget.NewId(), WidgetKind.Tile, m, Period.Last7Days, department, mine);

    [Fact]
    public async Task DefaultDashboards_FollowTheRole_AndAnAgentsOwnWorkIsTheirs()
    {
        Assert.Equal("Organisation", DashboardService.DefaultFor(Org.ActorFor(Org.Admin)).Name);
        Assert.Equal("My departments", DashboardService.DefaultFor(Org.ActorFor(Org.ItSupervisor)).Name);
        var mine = DashboardService.DefaultFor(Org.ActorFor(Org.ItAgent));
        Assert.Equal("My work", mine.Name);

        var views = await Dashboards.RenderAsync(Org.ActorFor(Org.ItAgent), mine.Widgets);
        Assert.Equal("1", views.First(v => v.Widget.Measure == Measure.Workload).Value); // Ian's one assigned ticket
        Assert.Equal("2", views.First(v => v.Widget is { Measure: Measure.Backlog, Kind: WidgetKind.Tile }).Value); // IT's open tickets
        var atRisk = views.Single(v => v.Widget.Kind == WidgetKind.AtRisk);
        Assert.Equal(["Ian's"], atRisk.Tickets.Select(x => x.Title));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Dashboards.RenderAsync(Org.ActorFor(Org.Requester), mine.Widgets));
    }

    [Fact]
    public async Task AWidgetAskingForAnotherDepartment_SaysSoInsteadOfShowingIt()
    {
        var hal = Org.ActorFor(Org.HrAgent);
        var views = await Dashboards.RenderAsync(hal, [Tile(Measure.Created), Tile(Measure.Created, Org.It.Id)]);
        Assert.Equal("1", views[0].Value); // HR's one ticket only
        Assert.Null(views[1].Value);
        Assert.Contains("your own departments", views[1].Problem);
        Assert.Equal("3", (await Dashboards.RenderAsync(Org.ActorFor(Org.Admin), [Tile(Measure.Created)]))[0].Value);
    }

    [Fact]
    public async Task ADashboard_IsSavedWithItsWidgets_SharedWithADepartment_AndEditedByItsOwnerOnly()
    {
        var sue = Org.ActorFor(Org.ItSupervisor);
        var widgets = new[] { Tile(Measure.Backlog), new Widget(Widget.NewId(), WidgetKind.Breakdown, Measure.Created, By: Dimension.Priority, Size: WidgetSize.Half) };
        var saved = await Dashboards.SaveAsync(sue, new DashboardInput(null, "  IT weekly ", Org.It.Id, widgets, 0));
        var read = await Dashboards.GetAsync(sue, saved.Id!.Value);
        Assert.Equal("IT weekly", read.Name);
        Assert.Equal(widgets, read.Widgets);
        Assert.True(read.CanEdit);

        // Ian (IT) sees it shared and may read but not change it; Hal (HR) does not see it at all.
        var ian = Org.ActorFor(Org.ItAgent);
        Assert.Contains(await Dashboards.ListAsync(ian), d => d.Name == "IT weekly" && !d.IsMine);
        Assert.False((await Dashboards.GetAsync(ian, saved.Id.Value)).CanEdit);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Dashboards.SaveAsync(ian, new DashboardInput(saved.Id, "Mine now", null, [], read.Version)));
        Assert.Empty(await Dashboards.ListAsync(Org.ActorFor(Org.HrAgent)));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Dashboards.GetAsync(Org.ActorFor(Org.HrAgent), saved.Id.Value));

        // A second window saving an older version is refused, not overwritten.
        await Dashboards.SaveAsync(sue, new DashboardInput(saved.Id, "IT weekly", Org.It.Id, [.. widgets, Tile(Measure.Breaches)], read.Version));
        await Assert.ThrowsAsync<DeskConflictException>(() => Dashboards.SaveAsync(sue, new DashboardInput(saved.Id, "Stale", null, [], read.Version)));
        Assert.Equal(3, (await Dashboards.GetAsync(sue, saved.Id.Value)).Widgets.Count);
    }

    [Fact]
    public async Task BadDashboards_AreRefusedNamingTheField()
    {
        var ian = Org.ActorFor(Org.ItAgent);
        var e = await Assert.ThrowsAsync<DeskValidationException>(() => Dashboards.SaveAsync(ian, new DashboardInput(null, " ", Org.Hr.Id, [Tile(Measure.Created, Org.Hr.Id)], 0)));
        Assert.Contains("Name", e.Errors.Keys);
        Assert.Contains("SharedWithDepartmentId", e.Errors.Keys);
        Assert.Contains("Widgets", e.Errors.Keys);
    }

    [Fact]
    public async Task ScheduledReports_GoToStaffWhoMayReadThem()
    {
        var sue = Org.ActorFor(Org.ItSupervisor);
        var report = new ReportRequest(Measure.Created, DepartmentId: Org.It.Id, By: Dimension.Priority);
        var e = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Scheduled.SaveAsync(sue, new ScheduledReportInput(null, "", report, ReportFrequency.Weekly, [Org.Requester.Id, Org.HrAgent.Id], 0)));
        Assert.Contains("Name", e.Errors.Keys);
        Assert.Contains("is not staff", e.Errors["Recipients"]);
        var hrOnly = await Assert.ThrowsAsync<DeskValidationException>(() =>
            Scheduled.SaveAsync(sue, new ScheduledReportInput(null, "IT weekly", report, ReportFrequency.Weekly, [Org.HrAgent.Id], 0)));
        Assert.Contains(Org.HrAgent.DisplayName, hrOnly.Errors["Recipients"]);
        Assert.Contains(await Scheduled.RecipientChoicesAsync(sue), p => p.Id == Org.ItAgent.Id);
    }

    [Fact]
    public async Task AScheduledReport_IsSentOncePerPeriod_AndOnlyTheLatestAfterDowntime()
    {
        var sue = Org.ActorFor(Org.ItSupervisor);
        var report = new ReportRequest(Measure.Created, DepartmentId: Org.It.Id, By: Dimension.Priority);
        await Scheduled.SaveAsync(sue, new ScheduledReportInput(null, "IT weekly", report, ReportFrequency.Weekly, [Org.ItSupervisor.Id, Org.ItAgent.Id], 0));
        Assert.Equal(0, await Scheduled.RunDueAsync()); // Monday 09:00: the next run is next Monday 06:00
        _db.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 6, 1, 0, TimeSpan.Zero));
        Assert.Equal(2, await Scheduled.RunDueAsync());
        Assert.Equal(0, await Scheduled.RunDueAsync());

        List<OutboxMessage> Sent()
        {
            using var db = _db.NewContext();
            return db.OutboxMessages.AsNoTracking().Where(m => m.EventKey.StartsWith("report:")).OrderBy(m => m.Id).ToList();
        }

        var first = Sent();
        Assert.Equal("IT weekly (2026-11-23 – 2026-11-29)", first[0].Subject);
        // The week's two IT tickets, both of the category's priority, with the total.
        Assert.Matches(@"\n(Low|Normal|High|Critical) +2\r?\n", first[0].Body);
        Assert.Matches(@"\nAll +2\r?\n", first[0].Body);

        // Three weeks down: one message per person, for the latest week only.
        _db.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 21, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(2, await Scheduled.RunDueAsync());
        var all = Sent();
        Assert.Equal(4, all.Count);
        Assert.All(all.Skip(2), m => Assert.StartsWith("IT weekly (2026-12-14 – 2026-12-20)", m.Subject));
        Assert.Equal(0, await Scheduled.RunDueAsync());
    }
}

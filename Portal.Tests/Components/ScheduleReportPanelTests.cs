using Bunit;
using Portal.Core.Reporting;
using Portal.Features.Reports;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>Scheduling the report on screen: a missing name is named; a scheduled report is listed with its next run and can be stopped.</summary>
public class ScheduleReportPanelTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _ctx = DeskBunit.Create(_db, _db.Org.ItSupervisor);
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task AReportIsScheduledForItsOwner_ThenStopped()
    {
        var request = new ReportRequest(Measure.Breaches, DepartmentId: _db.Org.It.Id, By: Dimension.Priority);
        var cut = _ctx.Render<ScheduleReportPanel>(p => p.Add(x => x.Request, request));
        cut.WaitForAssertion(() => cut.Find("[data-testid=schedule-save]"));

        await cut.InvokeAsync(() => cut.Find("[data-testid=schedule-save]").Click());
        cut.WaitForAssertion(() => Assert.Contains("Name is required.", cut.Markup));

        cut.Type("Name", "IT breaches weekly");
        await cut.InvokeAsync(() => cut.Find("[data-testid=schedule-save]").Click());
        cut.WaitForAssertion(() => Assert.Contains("will be emailed every Monday", cut.Markup));
        Assert.Contains("IT breaches weekly", cut.Find("table").TextContent);
        var saved = Assert.Single(await _db.Get<ScheduledReportService>().ListAsync(_db.Org.ActorFor(_db.Org.ItSupervisor)));
        Assert.Equal(request with { Period = Period.Last30Days }, saved.Report);
        Assert.Equal([_db.Org.ItSupervisor.Id], saved.RecipientIds); // the owner, chosen by default

        await cut.InvokeAsync(() => cut.Find("table button").Click());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("table")));
        Assert.Empty(await _db.Get<ScheduledReportService>().ListAsync(_db.Org.ActorFor(_db.Org.ItSupervisor)));
    }
}

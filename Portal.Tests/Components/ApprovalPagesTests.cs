using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Approvals;
using Portal.Features.Approvals;
using Portal.Features.Requests;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>"My approvals" and the request page's approval panel, as the approver and the requester see them.</summary>
public class ApprovalPagesTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private int _ticketId;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await using (var db = _db.NewContext())
        {
            await db.Users.Where(u => u.Id == _db.Org.Requester.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.ManagerId, _db.Org.ItSupervisor.Id));
            db.ApprovalSteps.Add(new ApprovalStep { CategoryId = _db.Org.Laptop.Id, Order = 1, Name = "Manager", Approver = ApproverKind.RequesterManager });
            await _db.Get<Portal.Core.Operations.ConfigurationVersion>().SaveEditAsync(db);
        }

        _ticketId = (await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester), TicketFactory.Laptop(_db.Org, "New laptop, 16 GB"))).Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task TheApprover_MustGiveAReasonToReject_ThenTheRequestLeavesTheList_AndTheRequesterSeesWhy()
    {
        await using (var ctx = DeskBunit.Create(_db, _db.Org.Requester))
        {
            var waiting = ctx.Render<RequestPage>(p => p.Add(x => x.Id, _ticketId));
            waiting.WaitForAssertion(() => Assert.Contains("waiting for a decision", waiting.Find("[data-testid=approval-steps]").TextContent));
            Assert.Contains("The clock to reply starts once it is approved.", waiting.Markup);
        }

        await using (var ctx = DeskBunit.Create(_db, _db.Org.ItSupervisor))
        {
            var cut = ctx.Render<MyApprovalsPage>();
            cut.WaitForAssertion(() => Assert.Contains("New laptop, 16 GB", cut.Find("[data-testid=approval]").TextContent));
            Assert.Contains("Operating system: Linux", cut.Find("[data-testid=approval]").TextContent);

            cut.Find("[data-testid=reject]").Click();
            cut.WaitForAssertion(() => Assert.Contains("Reason is required.", cut.Find("[data-testid=approval]").TextContent));
            Assert.Single(await _db.Get<ApprovalService>().MineAsync(_db.Org.ActorFor(_db.Org.ItSupervisor)));

            cut.Find("[data-testid=approval-reason]").Input("Laptops are renewed in March");
            cut.Find("[data-testid=reject]").Click();
            cut.WaitForAssertion(() => Assert.Contains("Nothing waits for your approval.", cut.Find("[data-testid=no-approvals]").TextContent), TimeSpan.FromSeconds(10));
        }

        await using (var ctx = DeskBunit.Create(_db, _db.Org.Requester))
        {
            var page = ctx.Render<RequestPage>(p => p.Add(x => x.Id, _ticketId));
            page.WaitForAssertion(() =>
            {
                var steps = page.Find("[data-testid=approval-steps]").TextContent;
                Assert.Contains("Manager", steps);
                Assert.Contains("rejected", steps);
                Assert.Contains("Laptops are renewed in March", steps);
            });
            Assert.Contains("This request is closed.", page.Markup);
        }
    }

    [Fact]
    public async Task TheApprovalsReport_ShowsWhatWaits_AndTheDecisions_AndTheDashboardLinksToIt()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.ItSupervisor);
        var report = ctx.Render<Portal.Features.Reports.ApprovalsReportPage>();
        report.WaitForAssertion(() => Assert.Equal("1", report.Find("[data-testid=tile-pending] .mud-typography-h5").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Contains("New laptop, 16 GB", report.Find("[data-testid=waiting]").TextContent);
        Assert.Contains("No decisions in the period.", report.Markup);

        var approvals = _db.Get<ApprovalService>();
        var mine = Assert.Single(await approvals.MineAsync(_db.Org.ActorFor(_db.Org.ItSupervisor)));
        await approvals.DecideAsync(_db.Org.ActorFor(_db.Org.ItSupervisor), mine.ApprovalId, approve: false, reason: "Not this year");
        var again = ctx.Render<Portal.Features.Reports.ApprovalsReportPage>();
        again.WaitForAssertion(() => Assert.Contains("100 %", again.Find("[data-testid=tile-rejected]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains(_db.Org.ItSupervisor.DisplayName, again.Find("[data-testid=by-approver]").TextContent);
        Assert.Contains("Nothing waits for a decision.", again.Markup);

        var strip = ctx.Render<Portal.Features.Reports.ApprovalsStrip>(p => p
            .Add(x => x.Actor, _db.Org.ActorFor(_db.Org.ItSupervisor)).Add(x => x.Now, _db.Clock.GetUtcNow().UtcDateTime));
        strip.WaitForAssertion(() => Assert.Contains("0 approvals waiting", strip.Find("[data-testid=approvals-strip]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("100 % rejected", strip.Markup);
    }
}

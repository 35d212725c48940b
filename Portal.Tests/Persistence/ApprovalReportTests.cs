using Microsoft.EntityFrameworkCore;
using Portal.Core.Approvals;
using Portal.Core.Common;
using Portal.Core.Reporting;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>The approvals report: waiting now (and past the limit), time to decide by step and approver, the rejected share; for readers of reports only.</summary>
public class ApprovalReportTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await using var db = _db.NewContext();
        await db.Users.Where(u => u.Id == Org.Requester.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.ManagerId, Org.ItSupervisor.Id));
        db.ApprovalSteps.Add(new ApprovalStep { CategoryId = Org.Laptop.Id, Order = 1, Name = "Manager", Approver = ApproverKind.RequesterManager, TimeLimitHours = 24 });
        await _db.Get<Portal.Core.Operations.ConfigurationVersion>().SaveEditAsync(db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task DecideNextAsync(bool approve, TimeSpan after)
    {
        var approvals = _db.Get<ApprovalService>();
        _db.Clock.Advance(after);
        var waiting = (await approvals.MineAsync(Org.ActorFor(Org.ItSupervisor))).First();
        await approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), waiting.ApprovalId, approve, approve ? null : "Not this quarter");
    }

    [Fact]
    public async Task TheReport_CountsWhatWaits_AndTheDecisionsOfThePeriod_ByStepAndApprover()
    {
        var requester = Org.ActorFor(Org.Requester);
        for (var i = 0; i < 3; i++)
            await TicketFactory.FileAsync(_db, requester);
        await DecideNextAsync(true, TimeSpan.FromHours(2));
        await DecideNextAsync(false, TimeSpan.FromHours(2));
        _db.Clock.Advance(TimeSpan.FromHours(21)); // the third is now 25 hours old: past its 24-hour limit

        var now = _db.Clock.GetUtcNow().UtcDateTime;
        var report = await _db.Get<ApprovalReport>().LoadAsync(Org.ActorFor(Org.ItSupervisor), null, now.AddDays(-30), now.AddDays(1));
        Assert.Equal((1, 1), (report.Pending, report.Overdue));
        Assert.Equal((2, 1, 1, 0.5), (report.All.Decided, report.All.Approved, report.All.Rejected, report.All.RejectedShare));
        // Decided 2 and 4 hours after they started: the median is 3 hours, the longest 4.
        Assert.Equal((TimeSpan.FromHours(3), TimeSpan.FromHours(4)), (report.All.Median!.Value, report.All.Longest!.Value));
        var step = Assert.Single(report.ByStep);
        Assert.Equal(("Manager", 2), (step.Name, step.Decided));
        var approver = Assert.Single(report.ByApprover);
        Assert.Equal((Org.ItSupervisor.DisplayName, 2, 1), (approver.Name, approver.Decided, approver.Rejected));
        var waiting = Assert.Single(report.Waiting);
        Assert.Equal(Org.ItSupervisor.DisplayName, waiting.Waiting);

        // Another department's figures, and a requester, are refused.
        var hrOnly = await _db.Get<ApprovalReport>().LoadAsync(Org.ActorFor(Org.HrAgent), null, now.AddDays(-30), now.AddDays(1));
        Assert.Equal((0, 0), (hrOnly.Pending, hrOnly.All.Decided));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<ApprovalReport>().LoadAsync(Org.ActorFor(Org.HrAgent), [Org.It.Id], now.AddDays(-30), now));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<ApprovalReport>().LoadAsync(requester, null, now.AddDays(-30), now));
    }
}

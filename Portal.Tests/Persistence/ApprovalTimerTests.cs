using Microsoft.EntityFrameworkCore;
using Portal.Core.Approvals;
using Portal.Core.Common;
using Portal.Core.Sla;
using Portal.Core.Handling;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>
/// A step's reminder and time limit, counted in working hours on the request's SLA calendar: those who have not decided
/// are reminded; when the limit passes their managers are asked in their place, or the step is approved or rejected
/// automatically; once each, and caught up after downtime.
/// </summary>
public class ApprovalTimerTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private ApprovalTimers Timers => _db.Get<ApprovalTimers>();
    private ApprovalService Approvals => _db.Get<ApprovalService>();

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        // Erin (the requester) reports to Sue (IT's supervisor); Sue reports to the admin.
        await _db.SetReportingLineAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<CreatedTicket> FileAsync(int? remind, int? limit, ApprovalTimeout onTimeout)
    {
        await using (var db = _db.NewContext())
        {
            db.ApprovalSteps.Add(new ApprovalStep
            {
                CategoryId = Org.Laptop.Id, Order = 1, Name = "Manager", Approver = ApproverKind.RequesterManager,
                RemindAfterHours = remind, TimeLimitHours = limit, OnTimeout = onTimeout,
            });
            await _db.Get<Portal.Core.Operations.ConfigurationVersion>().SaveEditAsync(db);
        }

        return await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org));
    }

    private async Task<TicketApproval> ApprovalAsync(int ticketId)
    {
        await using var db = _db.NewContext();
        return await db.TicketApprovals.AsNoTracking().Include(a => a.Approvers).SingleAsync(a => a.TicketId == ticketId);
    }

    private async Task<List<TicketEvent>> EventsAsync(int ticketId)
    {
        await using var db = _db.NewContext();
        return await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == ticketId).OrderBy(e => e.Id).ToListAsync();
    }

    [Fact]
    public async Task TheReminder_ReachesWhoHasNotDecided_OnceAfterItsHours_AndIsOnTheHistoryAndTheAuditTrail()
    {
        var created = await FileAsync(remind: 4, limit: null, ApprovalTimeout.AskManager);
        _db.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(new ApprovalTimerRun(0, 0), await Timers.RunAsync());

        _db.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new ApprovalTimerRun(1, 0), await Timers.RunAsync());
        Assert.Equal(new ApprovalTimerRun(0, 0), await Timers.RunAsync());

        var reminded = Assert.Single(await EventsAsync(created.Id), e => e.Kind == TicketEventKind.ApprovalReminded);
        Assert.Equal((Org.ItSupervisor.DisplayName, "Manager", false), (reminded.NewValue, reminded.Subject, reminded.IsPublic));
        await using var db = _db.NewContext();
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == Org.ItSupervisor.Id && n.Text.Contains("Reminder: your approval is asked")));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.TicketId == created.Id && a.Action == "ticket.approvalreminded"));
    }

    [Fact]
    public async Task TheHours_AreWorkingHoursOnTheRequestsCalendar_SoAStepStartedFridayEveningFallsDueOnMonday()
    {
        var admin = Org.ActorFor(Org.Admin);
        var sla = _db.Get<SlaAdminService>();
        var calendars = (await sla.ListAsync(admin)).Calendars;
        foreach (var c in calendars)
        {
            var input = await sla.GetCalendarAsync(admin, c.Id);
            await sla.SaveCalendarAsync(admin, input with
            {
                Is24x7 = false, TimeZone = "UTC",
                Week = new Dictionary<string, string> { ["Mon"] = "09:00-17:00", ["Tue"] = "09:00-17:00", ["Wed"] = "09:00-17:00", ["Thu"] = "09:00-17:00", ["Fri"] = "09:00-17:00" },
            });
        }

        // Friday 27 November 2026, 16:00 UTC: one working hour is left that day.
        _db.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 16, 0, 0, TimeSpan.Zero));
        var created = await FileAsync(remind: null, limit: 2, ApprovalTimeout.Approve);
        Assert.Equal(new DateTime(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc), (await ApprovalAsync(created.Id)).DueAt);

        _db.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.Zero));
        Assert.Equal(new ApprovalTimerRun(0, 0), await Timers.RunAsync());
        _db.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal(new ApprovalTimerRun(0, 1), await Timers.RunAsync());
    }

    [Fact]
    public async Task PastTheLimit_TheApproversManagerIsAskedInTheirPlace_AndEitherDecidesForIt()
    {
        var created = await FileAsync(remind: 2, limit: 8, ApprovalTimeout.AskManager);
        // Down for the whole day: the run after it catches up, and the limit (not the stale reminder) is what happens.
        _db.Clock.Advance(TimeSpan.FromHours(10));
        Assert.Equal(new ApprovalTimerRun(0, 1), await Timers.RunAsync());
        Assert.Equal(new ApprovalTimerRun(0, 0), await Timers.RunAsync());

        var approval = await ApprovalAsync(created.Id);
        Assert.Equal(ApprovalState.Pending, approval.State);
        var standIn = Assert.Single(approval.Approvers, p => p.StandsInForId is not null);
        Assert.Equal((Org.Admin.Id, Org.ItSupervisor.Id), (standIn.UserId, standIn.StandsInForId));
        var asked = Assert.Single(await EventsAsync(created.Id), e => e.Kind == TicketEventKind.ApprovalRequested && e.Subject!.Contains("time limit passed"));
        Assert.Equal(Org.Admin.DisplayName, asked.NewValue);
        Assert.DoesNotContain(await EventsAsync(created.Id), e => e.Kind == TicketEventKind.ApprovalReminded);

        var mine = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.Admin)));
        var decision = await Approvals.DecideAsync(Org.ActorFor(Org.Admin), mine.ApprovalId, approve: true, reason: null);
        Assert.Equal((ApprovalState.Approved, TicketStatus.New), (decision.StepState, decision.TicketStatus));

        // The place is decided: the approver who was waited for has nothing left to decide.
        Assert.Empty(await Approvals.MineAsync(Org.ActorFor(Org.ItSupervisor)));
        await Assert.ThrowsAsync<DeskConflictException>(() => Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), mine.ApprovalId, false, "No"));
    }

    [Theory]
    [InlineData(ApprovalTimeout.Approve, ApprovalState.Approved, TicketStatus.New, "Approved automatically")]
    [InlineData(ApprovalTimeout.Reject, ApprovalState.Rejected, TicketStatus.Closed, "Rejected automatically")]
    public async Task PastTheLimit_TheStepCanBeDecidedAutomatically_OnceAndRecorded(ApprovalTimeout onTimeout, ApprovalState state, TicketStatus status,
        string recorded)
    {
        var created = await FileAsync(remind: null, limit: 8, onTimeout);
        _db.Clock.Advance(TimeSpan.FromHours(8));
        // Two nodes' timers at the same moment: one outcome.
        var runs = await Task.WhenAll(Timers.RunAsync(), Timers.RunAsync());
        Assert.Equal(1, runs.Sum(r => r.TimedOut));

        var approval = await ApprovalAsync(created.Id);
        Assert.Equal((state, true), (approval.State, approval.DecidedAutomatically));
        var events = await EventsAsync(created.Id);
        var decided = Assert.Single(events, e => e.Kind == TicketEventKind.ApprovalDecided);
        Assert.Equal((recorded, "No decision within 8 working hours.", (string?)null), (decided.NewValue, decided.Body, decided.ActorId));
        await using var db = _db.NewContext();
        Assert.Equal(status, await db.Tickets.Where(t => t.Id == created.Id).Select(t => t.Status).SingleAsync());
        Assert.True(await db.AuditEntries.AnyAsync(a => a.TicketId == created.Id && a.Action == "ticket.approvaldecided"));
        await Assert.ThrowsAsync<DeskConflictException>(() => Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), approval.Id, true, null));
    }

    [Fact]
    public async Task AStepDecidedInTime_IsNeverRemindedNorTimedOut()
    {
        var created = await FileAsync(remind: 2, limit: 4, ApprovalTimeout.Reject);
        var mine = Assert.Single(await Approvals.MineAsync(Org.ActorFor(Org.ItSupervisor)));
        await Approvals.DecideAsync(Org.ActorFor(Org.ItSupervisor), mine.ApprovalId, true, null);
        _db.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(new ApprovalTimerRun(0, 0), await Timers.RunAsync());
        Assert.Equal(ApprovalState.Approved, (await ApprovalAsync(created.Id)).State);
    }
}

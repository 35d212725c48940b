using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

public class SlaServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private TicketCommands Tickets => _db.Get<TicketCommands>();
    private TicketQueries Reads => _db.Get<TicketQueries>();
    private SlaAdminService Admin => _db.Get<SlaAdminService>();
    private DateTime Now => _db.Clock.GetUtcNow().UtcDateTime;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<Dictionary<SlaMetric, TicketSlaState>> StatesAsync(int ticketId)
    {
        await using var ctx = _db.NewContext();
        return await ctx.TicketSlaStates.Where(s => s.TicketId == ticketId).ToDictionaryAsync(s => s.Metric);
    }

    private static Dictionary<string, IReadOnlyDictionary<SlaMetric, string>> Targets(string fr, string res) =>
        SlaConfiguration.PriorityNames.ToDictionary(p => p, IReadOnlyDictionary<SlaMetric, string> (_) =>
            new Dictionary<SlaMetric, string> { [SlaMetric.FirstResponse] = fr, [SlaMetric.Resolution] = res });

    private async Task<int> CalendarIdAsync()
    {
        await using var ctx = _db.NewContext();
        return await ctx.SlaCalendars.Select(c => c.Id).FirstAsync();
    }

    [Fact]
    public async Task NewTicket_GetsTheDefaultPolicysTargets()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org));
        var states = await StatesAsync(created.Id);
        Assert.Equal(SlaState.Running, states[SlaMetric.FirstResponse].State);
        Assert.Equal(Now.AddHours(4), states[SlaMetric.FirstResponse].DueAt);
        Assert.Equal(Now.AddHours(24), states[SlaMetric.Resolution].DueAt);
        Assert.Equal(SlaState.Idle, states[SlaMetric.NextResponse].State);
        await using var ctx = _db.NewContext();
        var ticket = await ctx.Tickets.SingleAsync(t => t.Id == created.Id);
        Assert.Equal(Now.AddHours(3), ticket.SlaNextChangeAt);
        Assert.Equal(Now.AddHours(4), ticket.SlaDueAt);
        Assert.NotNull(ticket.SlaPolicyId);
    }

    [Fact]
    public async Task AgentReply_MeetsTheFirstResponse_InTheSameSave()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        _db.Clock.Advance(TimeSpan.FromMinutes(20));
        await Tickets.ReplyAsync(Org.ActorFor(Org.ItAgent), created.Id, "On it", true, []);
        var fr = (await StatesAsync(created.Id))[SlaMetric.FirstResponse];
        Assert.Equal(SlaState.Met, fr.State);
        Assert.Equal(1200, fr.ElapsedSeconds);
        Assert.Equal(Now, fr.StoppedAt);
    }

    [Fact]
    public async Task WaitingOnRequester_PausesResolution()
    {
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        _db.Clock.Advance(TimeSpan.FromHours(1));
        var t = await Reads.GetAsync(agent, created.Id);
        await Tickets.UpdateAsync(agent, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.PendingRequester });
        var res = (await StatesAsync(created.Id))[SlaMetric.Resolution];
        Assert.Equal(SlaState.Paused, res.State);
        Assert.Null(res.DueAt);
        Assert.Equal(3600, res.ElapsedSeconds);
    }

    [Fact]
    public async Task VipPolicy_MatchesFirst_AndPriorityChangeReMatches()
    {
        var calendar = await CalendarIdAsync();
        await Admin.SavePolicyAsync(Org.ActorFor(Org.Admin), new PolicyInput(null, "VIP", calendar, 1, false, true,
            new PolicyConditions { RequesterTags = ["vip"] }, Targets("PT15M", "PT2H"), new Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>>(), "0.5", 0));
        await Admin.SavePolicyAsync(Org.ActorFor(Org.Admin), new PolicyInput(null, "Critical anywhere", calendar, 0, false, true,
            new PolicyConditions { Priorities = [TicketPriority.Critical] }, Targets("PT5M", "PT1H"), new Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>>(), "", 0));

        var vip = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        Assert.Equal(Now.AddMinutes(15), (await StatesAsync(vip.Id))[SlaMetric.FirstResponse].DueAt);
        var plain = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester));
        Assert.Equal(Now.AddHours(4), (await StatesAsync(plain.Id))[SlaMetric.FirstResponse].DueAt);

        var agent = Org.ActorFor(Org.ItAgent);
        var t = await Reads.GetAsync(agent, plain.Id);
        await Tickets.UpdateAsync(agent, plain.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Priority = TicketPriority.Critical });
        Assert.Equal(Now.AddMinutes(5), (await StatesAsync(plain.Id))[SlaMetric.FirstResponse].DueAt);
    }

    [Fact]
    public async Task DueForChange_FindsTicketsWhoseWarningOrBreachHasCome_AndRefreshBreachesThem()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var sla = _db.Get<SlaService>();
        Assert.Empty(await sla.DueForChangeAsync(Now));
        _db.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));
        Assert.Equal([created.Id], await sla.DueForChangeAsync(Now));
        Assert.Equal(1, await sla.RefreshDueAsync());
        var fr = (await StatesAsync(created.Id))[SlaMetric.FirstResponse];
        Assert.Equal(SlaState.Breached, fr.State);
        Assert.Equal(Now.AddSeconds(-1), fr.BreachedAt);
    }

    [Fact]
    public async Task EditingAPolicy_RecomputesItsOpenTickets()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        await using (var ctx = _db.NewContext())
        {
            var policyId = await ctx.SlaPolicies.Where(p => p.IsDefault).Select(p => p.Id).FirstAsync();
            var input = await Admin.GetPolicyAsync(Org.ActorFor(Org.Admin), policyId);
            var result = await Admin.SavePolicyAsync(Org.ActorFor(Org.Admin), input with { Targets = Targets("PT2H", "PT10H") });
            Assert.Equal(1, result.Recomputing);
            Assert.Equal(1, await _db.Get<SlaService>().ContinueRecomputesAsync());
            Assert.Equal(0, await _db.Get<SlaService>().ContinueRecomputesAsync());
        }

        Assert.Equal(Now.AddHours(2), (await StatesAsync(created.Id))[SlaMetric.FirstResponse].DueAt);
    }

    [Fact]
    public async Task InvalidPolicyEdit_NamesTheField_AndLeavesTheWorkingPolicy()
    {
        await using var ctx = _db.NewContext();
        var policyId = await ctx.SlaPolicies.Where(p => p.IsDefault).Select(p => p.Id).FirstAsync();
        var before = await Admin.GetPolicyAsync(Org.ActorFor(Org.Admin), policyId);
        var bad = Targets("PT1H", "P2D");
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Admin.SavePolicyAsync(Org.ActorFor(Org.Admin), before with { Targets = bad }));
        Assert.Equal("Targets.Low.resolution", ex.Errors.Keys.Single());
        Assert.Contains("day, week, month or year unit", ex.Errors.Values.Single());
        var zero = await Assert.ThrowsAsync<DeskValidationException>(() => Admin.SavePolicyAsync(Org.ActorFor(Org.Admin), before with { Targets = Targets("PT0M", "PT1H") }));
        Assert.Contains("zero target", zero.Errors.Values.Single());
        // A target of eleven thousand years once saved, then crashed every request filed under the policy.
        var huge = await Assert.ThrowsAsync<DeskValidationException>(() => Admin.SavePolicyAsync(Org.ActorFor(Org.Admin), before with { Targets = Targets("PT1H", "PT100000000H") }));
        Assert.Equal("Targets.Low.resolution", huge.Errors.Keys.Single());
        Assert.Contains("longest target, 43800 hours", huge.Errors.Values.Single());
        var none = await Assert.ThrowsAsync<DeskValidationException>(() => Admin.SavePolicyAsync(Org.ActorFor(Org.Admin), before with { Targets = Targets("", "") }));
        Assert.Contains("no target at all", none.Errors.Values.Single());
        var after = await Admin.GetPolicyAsync(Org.ActorFor(Org.Admin), policyId);
        Assert.Equal(before.ExpectedVersion, after.ExpectedVersion);
        Assert.Equal("PT4H", after.Targets["Normal"][SlaMetric.FirstResponse]);
    }

    [Fact]
    public async Task NonDefaultPolicyWithoutConditions_IsRefused()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Admin.SavePolicyAsync(Org.ActorFor(Org.Admin),
            new PolicyInput(null, "Catch all", 1, 1, false, true, new PolicyConditions(), Targets("PT1H", "PT2H"),
                new Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>>(), "", 0)));
        Assert.Contains("needs at least one condition", ex.Errors["Conditions"]);
    }

    [Theory]
    [InlineData("Mars/Olympus", "08:00-17:00", "", "TimeZone", "unknown time zone")]
    [InlineData("Europe/Berlin", "17:00-08:00", "", "Week.Mon", "ends before or where it starts")]
    [InlineData("Europe/Berlin", "08:00-12:00, 11:00-13:00", "", "Week.Mon", "overlaps")]
    [InlineData("Europe/Berlin", "08:00-17:00", "Christmas", "Holidays", "is not a date")]
    [InlineData("Europe/Berlin", "", "", "Week", "no working segment")]
    public async Task InvalidCalendar_NamesTheField(string zone, string monday, string holidays, string field, string message)
    {
        var week = SlaJson.Weekdays.Keys.ToDictionary(d => d, d => d == "Mon" ? monday : "");
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Admin.SaveCalendarAsync(Org.ActorFor(Org.Admin),
            new CalendarInput(null, "Office", zone, false, week, holidays, 0)));
        Assert.Contains(message, ex.Errors[field]);
    }

    [Fact]
    public async Task Calendar_SavedAndReadBack_WithHolidaysFromAnIcsFile()
    {
        const string ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:20270101T000000Z\r\nSUMMARY:New Year\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        var dates = IcsHolidays.Read(ics, new DateOnly(2026, 11, 23));
        Assert.Equal(["2026-12-25", "2027-01-01"], dates);
        var week = SlaJson.Weekdays.Keys.ToDictionary(d => d, d => d is "Sat" or "Sun" ? "" : "08:00-12:00, 13:00-17:00");
        var saved = await Admin.SaveCalendarAsync(Org.ActorFor(Org.Admin), new CalendarInput(null, "Berlin office", "Europe/Berlin", false, week,
            string.Join("\n", dates), 0));
        var back = await Admin.GetCalendarAsync(Org.ActorFor(Org.Admin), saved.Id);
        Assert.Equal("08:00-12:00, 13:00-17:00", back.Week["Mon"]);
        Assert.Equal("", back.Week["Sat"]);
        Assert.Equal("2026-12-25\n2027-01-01", back.Holidays);
    }

    [Fact]
    public async Task TestThisPolicy_RunsTheSameEngine()
    {
        await using var ctx = _db.NewContext();
        var policyId = await ctx.SlaPolicies.Where(p => p.IsDefault).Select(p => p.Id).FirstAsync();
        var input = await Admin.GetPolicyAsync(Org.ActorFor(Org.Admin), policyId);
        var result = await Admin.TestAsync(Org.ActorFor(Org.Admin), input,
            """[{ "at": "2026-12-08T07:00:00Z", "type": "created", "priority": "High" }]""", "2026-12-08T07:50:00Z");
        Assert.Contains("\"state\": \"warning\"", result);
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => Admin.TestAsync(Org.ActorFor(Org.Admin), input, "[]", "2026-12-08T07:50:00Z"));
        Assert.Contains("events", ex.Errors["Events"]);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Common;
using Portal.Core.Escalations;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>Escalation levels against a real SQLite file and a fake clock: on time, exactly once, caught up after downtime.</summary>
public class EscalationTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private EscalationService Sweeper => _db.Get<EscalationService>();
    private DateTime T0 => new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.Get<EscalationAdminService>().SaveAsync(Org.ActorFor(Org.Admin), new PathInput(null, "IT first response", true, Org.It.Id, null,
        [
            new LevelInput(1, SlaMetric.FirstResponse, EscalationTrigger.Fraction, 0.5m, null, new EscalationActions { NotifyAssignee = true, NotifyTeam = true }),
            new LevelInput(2, SlaMetric.FirstResponse, EscalationTrigger.AtBreach, null, null,
                new EscalationActions { RaisePriority = true, AssignTeamId = Org.ServiceDesk.Id, NotifyManager = true }),
            new LevelInput(3, SlaMetric.FirstResponse, EscalationTrigger.AfterBreach, null, 60,
                new EscalationActions { NotifyUsers = [Org.ItSupervisor.Id], AddWatchers = [Org.ItSupervisor.Id] }),
        ]));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<int> FileAsync()
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org) with { Priority = TicketPriority.Normal });
        var agent = Org.ActorFor(Org.ItAgent);
        var t = await _db.Get<TicketQueries>().GetAsync(agent, created.Id);
        await _db.Get<TicketCommands>().UpdateAsync(agent, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { AssigneeId = Org.ItAgent.Id });
        return created.Id;
    }

    private async Task<List<EscalationFiring>> FiringsAsync(int ticketId)
    {
        await using var ctx = _db.NewContext();
        return await ctx.EscalationFirings.Where(f => f.TicketId == ticketId).OrderBy(f => f.Id).ToListAsync();
    }

    private void At(TimeSpan sinceCreation) => _db.Clock.SetUtcNow(new DateTimeOffset(T0 + sinceCreation, TimeSpan.Zero));

    [Fact]
    public async Task Levels_FireAtTheirInstant_AndExactlyOnce()
    {
        var id = await FileAsync();
        At(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await Sweeper.SweepAsync()).Fired);

        At(TimeSpan.FromHours(2));
        Assert.Equal(1, (await Sweeper.SweepAsync()).Fired);
        Assert.Equal(0, (await Sweeper.SweepAsync()).Fired);

        At(TimeSpan.FromHours(4));
        Assert.Equal(0, (await Sweeper.SweepAsync()).Fired);
        At(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await Sweeper.SweepAsync()).Fired);
        At(TimeSpan.FromHours(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await Sweeper.SweepAsync()).Fired);
        At(TimeSpan.FromHours(9));
        Assert.Equal(0, (await Sweeper.SweepAsync()).Fired);

        var firings = await FiringsAsync(id);
        Assert.Equal(3, firings.Count);
        Assert.All(firings, f => Assert.False(f.Late));
        Assert.Equal([T0.AddHours(2), T0.AddHours(4), T0.AddHours(5)], firings.Select(f => f.DueAt));

        var details = await _db.Get<TicketQueries>().GetAsync(Org.ActorFor(Org.ItAgent), id);
        Assert.Equal(TicketPriority.High, details.Priority);
        Assert.Equal("Service Desk", details.TeamName);
        Assert.Contains(details.Watchers, w => w.Name == "Sue Supervisor");
        Assert.Equal(["Level 1", "Level 2", "Level 3"], details.Events.Where(e => e.Kind == TicketEventKind.Escalated).Select(e => e.NewValue));
        await using var ctx = _db.NewContext();
        Assert.Equal(3, (await ctx.Tickets.SingleAsync(t => t.Id == id)).EscalationLevel);
        Assert.Null((await ctx.Tickets.SingleAsync(t => t.Id == id)).NextEscalationAt);
        var notified = await ctx.Notifications.Where(n => n.TicketId == id).Select(n => n.UserId).ToListAsync();
        Assert.Contains(Org.ItAgent.Id, notified);
        Assert.Contains(Org.ItSupervisor.Id, notified);
    }

    [Fact]
    public async Task AnEscalationGoesThroughThePipeline_ARuleOnItsPriorityChangeFires_AndTheSlaFollows()
    {
        await _db.Get<Portal.Core.Routing.AutomationService>().SaveAsync(Org.ActorFor(Org.Admin), new Portal.Core.Routing.RuleInput(null,
            "Escalated high means critical", 1, true, Portal.Core.Routing.RuleTrigger.PriorityChanged,
            new Portal.Core.Routing.RuleConditions { Priorities = [TicketPriority.High] },
            new Portal.Core.Routing.RuleActions { SetPriority = TicketPriority.Critical }, false));
        var id = await FileAsync();
        var agent = Org.ActorFor(Org.ItAgent);
        var before = await _db.Get<TicketQueries>().GetAsync(agent, id);

        At(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1)); // levels 1 and 2: the second raises Normal to High
        Assert.Equal(2, (await Sweeper.SweepAsync()).Fired);

        var after = await _db.Get<TicketQueries>().GetAsync(agent, id);
        Assert.Equal(TicketPriority.Critical, after.Priority);
        Assert.Contains(after.Events, e => e.Kind == TicketEventKind.RuleApplied && e.Subject == "Escalated high means critical");
        await using var ctx = _db.NewContext();
        var stored = await ctx.TicketSlaStates.AsNoTracking().Where(s => s.TicketId == id).OrderBy(s => s.Metric)
            .Select(s => new { s.Metric, s.TargetSeconds, s.DueAt }).ToListAsync();
        var next = (await ctx.Tickets.AsNoTracking().SingleAsync(t => t.Id == id)).NextEscalationAt;
        await _db.Get<SlaService>().RecomputeAsync(q => q.Where(t => t.Id == id));
        await using var fresh = _db.NewContext();
        var recomputed = await fresh.TicketSlaStates.AsNoTracking().Where(s => s.TicketId == id).OrderBy(s => s.Metric)
            .Select(s => new { s.Metric, s.TargetSeconds, s.DueAt }).ToListAsync();
        Assert.Equal(recomputed, stored);
        Assert.Equal((await fresh.Tickets.AsNoTracking().SingleAsync(t => t.Id == id)).NextEscalationAt, next);
        Assert.NotEqual(before.Sla.Single(s => s.Metric == SlaMetric.Resolution).Target, after.Sla.Single(s => s.Metric == SlaMetric.Resolution).Target);
        // Each level fired once, and the next sweep fires nothing new at the same instant.
        Assert.Equal(2, (await FiringsAsync(id)).Count);
        Assert.Equal(0, (await Sweeper.SweepAsync()).Fired);
    }

    [Fact]
    public async Task TwoSweepersOnOneDatabase_FireNothingTwice()
    {
        var ids = new List<int>();
        for (var i = 0; i < 6; i++)
            ids.Add(await FileAsync());
        At(TimeSpan.FromHours(6));
        var services = new ServiceCollection();
        services.AddLogging();
        Portal.Core.Persistence.PortalCoreServices.AddPortalCore(services, new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(TestDatabases.Settings(_db.ConnectionString)).Build(), Path.GetTempPath());
        services.AddSingleton<TimeProvider>(_db.Clock);
        await using var other = services.BuildServiceProvider();

        var results = await Task.WhenAll(Task.Run(() => Sweeper.SweepAsync()), Task.Run(() => other.GetRequiredService<EscalationService>().SweepAsync()));

        Assert.Equal(18, results.Sum(r => r.Fired));
        foreach (var id in ids)
            Assert.Equal(3, (await FiringsAsync(id)).Count);
    }

    [Fact]
    public async Task AfterDowntime_MissedLevelsFireOnceInOrder_MarkedLateWithTheirDueInstant()
    {
        var id = await FileAsync();
        At(TimeSpan.FromHours(10));
        var result = await Sweeper.SweepAsync();
        Assert.Equal(3, result.Fired);
        Assert.Equal(3, result.Late);
        var firings = await FiringsAsync(id);
        Assert.Equal([T0.AddHours(2), T0.AddHours(4), T0.AddHours(5)], firings.Select(f => f.DueAt));
        Assert.All(firings, f => Assert.True(f.Late));
        var details = await _db.Get<TicketQueries>().GetAsync(Org.ActorFor(Org.ItAgent), id);
        var escalated = details.Events.Where(e => e.Kind == TicketEventKind.Escalated).ToList();
        Assert.Equal(["Level 1", "Level 2", "Level 3"], escalated.Select(e => e.NewValue));
        Assert.Contains("late: it was due 2026-11-23 11:00:00 UTC", escalated[0].Body);
        Assert.Equal(0, (await Sweeper.SweepAsync()).Fired);
    }

    [Fact]
    public async Task ResolvedTicket_FiresNothing()
    {
        var id = await FileAsync();
        var agent = Org.ActorFor(Org.ItAgent);
        var t = await _db.Get<TicketQueries>().GetAsync(agent, id);
        await _db.Get<TicketCommands>().UpdateAsync(agent, id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved });
        At(TimeSpan.FromHours(10));
        Assert.Equal(0, (await Sweeper.SweepAsync()).Fired);
        Assert.Empty(await FiringsAsync(id));
    }

    [Fact]
    public async Task PauseAndReopen_MoveTheNextEscalationInstant()
    {
        await _db.Get<EscalationAdminService>().SaveAsync(Org.ActorFor(Org.Admin), new PathInput(null, "Resolution", true, null, null,
            [new LevelInput(1, SlaMetric.Resolution, EscalationTrigger.BeforeDue, null, 60, new EscalationActions { NotifyAssignee = true })]));
        var id = await FileAsync();
        var agent = Org.ActorFor(Org.ItAgent);
        var tickets = _db.Get<TicketCommands>();
        var reads = _db.Get<TicketQueries>();
        async Task<DateTime?> Next()
        {
            await using var ctx = _db.NewContext();
            return (await ctx.Tickets.SingleAsync(x => x.Id == id)).NextEscalationAt;
        }

        Assert.Equal(T0.AddHours(2), await Next());
        var t = await reads.GetAsync(agent, id);
        await tickets.ReplyAsync(agent, id, "Done with first response", true, []);
        // First response met: only the resolution level (due 24 h - 1 h) is left.
        Assert.Equal(T0.AddHours(23), await Next());
        At(TimeSpan.FromHours(1));
        t = await reads.GetAsync(agent, id);
        await tickets.UpdateAsync(agent, id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.PendingRequester });
        Assert.Null(await Next());
        At(TimeSpan.FromHours(3));
        await tickets.ReplyAsync(Org.ActorFor(Org.OtherRequester), id, "Here you go", true, []);
        Assert.Equal(T0.AddHours(25), await Next());
    }

    [Fact]
    public async Task InvalidPath_IsRefusedNamingTheLevel()
    {
        var ex = await Assert.ThrowsAsync<DeskValidationException>(() => _db.Get<EscalationAdminService>().SaveAsync(Org.ActorFor(Org.Admin),
            new PathInput(null, "Bad", true, null, null,
            [
                new LevelInput(1, SlaMetric.FirstResponse, EscalationTrigger.Fraction, 1.5m, null, new EscalationActions { NotifyAssignee = true }),
                new LevelInput(2, SlaMetric.FirstResponse, EscalationTrigger.BeforeDue, null, null, new EscalationActions()),
            ])));
        Assert.Contains("fraction must lie in (0, 1]", ex.Errors["Levels[0].Fraction"]);
        Assert.Contains("minutes before", ex.Errors["Levels[1].OffsetMinutes"]);
        Assert.Contains("does nothing", ex.Errors["Levels[1].Actions"]);
    }

    [Fact]
    public async Task DryRun_ListsTheTicketsALevelWouldFireOnNow_AndChangesNothing()
    {
        var id = await FileAsync();
        At(TimeSpan.FromHours(3));
        var admin = _db.Get<EscalationAdminService>();
        var pathId = (await admin.ListAsync(Org.ActorFor(Org.Admin))).Single(p => p.Name == "IT first response").Id;
        var matches = await admin.DryRunAsync(Org.ActorFor(Org.Admin), pathId);
        var match = Assert.Single(matches);
        Assert.Equal(id, match.TicketId);
        Assert.Equal(1, match.Level);
        Assert.Empty(await FiringsAsync(id));
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Core.Escalations;
using Portal.Core.Reporting;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>The reporting facts kept with every change equal the facts computed again from scratch.</summary>
public class TicketFactsTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.Get<EscalationAdminService>().SaveAsync(Org.ActorFor(Org.Admin), new PathInput(null, "IT first response", true, Org.It.Id, null,
        [
            new LevelInput(1, SlaMetric.FirstResponse, EscalationTrigger.AtBreach, null, null, new EscalationActions { RaisePriority = true }),
        ]));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<List<TicketFactRow>> KeptAsync()
    {
        await using var db = _db.NewContext();
        return await db.TicketFacts.AsNoTracking().OrderBy(f => f.TicketId).ToListAsync();
    }

    [Fact]
    public async Task FactsKeptAsTicketsChange_EqualARebuildFromScratch()
    {
        var tickets = _db.Get<TicketCommands>();
        var reads = _db.Get<TicketQueries>();
        var ian = Org.ActorFor(Org.ItAgent);
        var answered = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Answered and resolved"));
        var ignored = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Left to breach"));
        var reopened = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org));
        _db.Clock.Advance(TimeSpan.FromMinutes(20));
        await tickets.ReplyAsync(ian, answered.Id, "On it.", isPublic: true, []);
        var t = await reads.GetAsync(ian, answered.Id);
        await tickets.UpdateAsync(ian, answered.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved, AssigneeId = Org.ItAgent.Id });
        var hal = Org.ActorFor(Org.HrAgent);
        var h = await reads.GetAsync(hal, reopened.Id);
        await tickets.UpdateAsync(hal, reopened.Id, h.Version, TicketServiceTests.TicketEditModelFor(h) with { Status = TicketStatus.Resolved });
        await tickets.ReplyAsync(Org.ActorFor(Org.OtherRequester), reopened.Id, "Still wrong.", isPublic: true, []);
        // Far past the first response target: the sweep records the breach and raises the priority in one batch.
        _db.Clock.Advance(TimeSpan.FromDays(3));
        Assert.True((await _db.Get<EscalationService>().SweepAsync()).Fired >= 1);

        var kept = await KeptAsync();
        Assert.Equal(3, kept.Count);
        var resolved = kept.Single(f => f.TicketId == answered.Id);
        Assert.Equal(_db.Clock.GetUtcNow().UtcDateTime.AddDays(-3), resolved.ResolvedAt);
        Assert.Equal(Org.ItAgent.Id, resolved.AssigneeId);
        Assert.Equal(SlaState.Met, resolved.FirstResponseState);
        var breached = kept.Single(f => f.TicketId == ignored.Id);
        Assert.NotNull(breached.FirstResponseBreachedAt);
        Assert.Equal(1, breached.EscalationLevel);
        Assert.Null(breached.ResolvedAt);
        var again = kept.Single(f => f.TicketId == reopened.Id);
        Assert.Equal(1, again.Reopens);
        Assert.Null(again.ResolvedAt);

        var keptRollups = await RollupsAsync();
        // The rollups for IT: two created, one resolved with its first response met, and the ignored ticket's breaches.
        var itAll = keptRollups.Where(r => r.DepartmentId == Org.It.Id && r.Dimension == DailyRollups.All).ToList();
        Assert.Equal(2, itAll.Sum(r => r.Created));
        Assert.Equal(1, itAll.Sum(r => r.Resolved));
        Assert.Equal(1, itAll.Sum(r => r.FirstResponseMet));
        Assert.Equal((breached.FirstResponseBreachedAt is null ? 0 : 1) + (breached.ResolutionBreachedAt is null ? 0 : 1), itAll.Sum(r => r.Breaches));
        Assert.True(itAll.Sum(r => r.Breaches) >= 1);
        Assert.Equal(0, keptRollups.Where(r => r.DepartmentId == Org.Hr.Id && r.Dimension == DailyRollups.All).Sum(r => r.Resolved)); // reopened

        await using (var db = _db.NewContext())
            await FactWriter.RebuildAsync(db, CancellationToken.None);
        var rebuilt = await KeptAsync();
        Assert.Equal(Describe(rebuilt), Describe(kept));
        Assert.Equal(Describe(await RollupsAsync()), Describe(keptRollups));
    }

    /// <summary>The rollups that count something (a change that took a count away leaves a row of zeros behind).</summary>
    private async Task<List<DailyRollup>> RollupsAsync()
    {
        await using var db = _db.NewContext();
        var rows = await db.Set<DailyRollup>().AsNoTracking().OrderBy(r => r.DepartmentId).ThenBy(r => r.Dimension).ThenBy(r => r.Day).ThenBy(r => r.Key).ToListAsync();
        return rows.Where(r => r.Created != 0 || r.Resolved != 0 || r.ResolvedReopened != 0 || r.FirstResponseMet != 0 || r.FirstResponseMissed != 0
            || r.ResolutionMet != 0 || r.ResolutionMissed != 0 || r.Breaches != 0).ToList();
    }

    private static List<string> Describe<T>(IEnumerable<T> rows) => rows.Select(r => System.Text.Json.JsonSerializer.Serialize(r)).ToList();
}

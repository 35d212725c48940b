using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Escalations;
using Portal.Core.Operations;
using Portal.Core.Persistence;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Jobs;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>One node sweeps at a time (the others skip), and another takes over once the sweeping node stops renewing.</summary>
public class LeaseTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.Get<EscalationAdminService>().SaveAsync(Org.ActorFor(Org.Admin), new PathInput(null, "IT breach", true, Org.It.Id, null,
            [new LevelInput(1, SlaMetric.FirstResponse, EscalationTrigger.AtBreach, null, null, new EscalationActions { RaisePriority = true })]));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private LeaseService Node(string name) => new(_db.Get<IDbContextFactory<DeskDbContext>>(), _db.Clock) { Node = name };

    [Fact]
    public async Task TakingOverALease_AndLosingIt_AreLoggedOnceEach()
    {
        var (logA, logB) = (new ListLogger<LeaseService>(), new ListLogger<LeaseService>());
        var factory = _db.Get<IDbContextFactory<DeskDbContext>>();
        var (a, b) = (new LeaseService(factory, _db.Clock, logA) { Node = "a" }, new LeaseService(factory, _db.Clock, logB) { Node = "b" });
        Assert.True(await a.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        Assert.True(await a.TryHoldAsync("work", TimeSpan.FromSeconds(20))); // a renewal says nothing
        Assert.False(await b.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        _db.Clock.Advance(TimeSpan.FromSeconds(21));
        Assert.True(await b.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        Assert.False(await a.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        Assert.False(await a.TryHoldAsync("work", TimeSpan.FromSeconds(20)));

        Assert.Equal(["This node (a) now holds the work lease", "This node (a) lost the work lease to another node"], logA.Entries.Select(e => e.Message));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, logA.Entries.Last().Level);
        Assert.Equal(["This node (b) now holds the work lease"], logB.Entries.Select(e => e.Message));
    }

    [Fact]
    public async Task ALease_IsHeldByOneNode_UntilItExpires_OrIsGivenUp()
    {
        var (a, b) = (Node("a"), Node("b"));
        Assert.True(await a.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        Assert.False(await b.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        _db.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.True(await a.TryHoldAsync("work", TimeSpan.FromSeconds(20))); // renewed until 35 s
        _db.Clock.Advance(TimeSpan.FromSeconds(15));
        Assert.False(await b.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        _db.Clock.Advance(TimeSpan.FromSeconds(6)); // a stopped renewing: its lease ended at 35 s
        Assert.True(await b.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        Assert.False(await a.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        Assert.Equal("b", (await b.GetAsync("work"))!.Holder);

        await a.ReleaseAsync("work"); // not a's to give up: nothing changes
        Assert.False(await a.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
        await b.ReleaseAsync("work");
        Assert.True(await a.TryHoldAsync("work", TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task TheSweep_RunsOnTheLeaseHolder_AndMovesToAnotherNodeWhenItsHolderDies()
    {
        EscalationSweepJob Job(string node) => new(_db.Get<SlaService>(), _db.Get<EscalationService>(), Node(node), NullLogger<EscalationSweepJob>.Instance);
        var (a, b) = (Job("node-a"), Job("node-b"));

        async Task<int> DueTicketAsync()
        {
            var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org));
            _db.Clock.Advance(TimeSpan.FromHours(9)); // past any first response target
            return created.Id;
        }

        async Task<int> LevelAsync(int id)
        {
            await using var db = _db.NewContext();
            return await db.Tickets.Where(t => t.Id == id).Select(t => t.EscalationLevel).SingleAsync();
        }

        var first = await DueTicketAsync();
        await a.Invoke();
        Assert.Equal(1, await LevelAsync(first));

        // Node a's tick renews its lease (here without the sweep's work); node b's tick then skips a due level.
        var second = await DueTicketAsync();
        Assert.True(await Node("node-a").TryHoldAsync(EscalationSweepJob.LeaseName, TimeSpan.FromSeconds(20)));
        _db.Clock.Advance(TimeSpan.FromSeconds(10));
        await b.Invoke();
        Assert.Equal(0, await LevelAsync(second));

        // Node a dies (no more ticks): its lease ends and node b's next tick takes the sweep over and fires the level.
        _db.Clock.Advance(TimeSpan.FromSeconds(11));
        await b.Invoke();
        Assert.Equal(1, await LevelAsync(second));
        Assert.Equal("node-b", (await Node("x").GetAsync(EscalationSweepJob.LeaseName))!.Holder);
    }
}

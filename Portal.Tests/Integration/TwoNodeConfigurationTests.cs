using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Operations;
using Portal.Core.Persistence;
using Portal.Core.Routing;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Integration;

/// <summary>Configuration edited on one node holds on the other without a restart; a recompute survives its node.</summary>
public sealed class TwoNodeConfigurationTests : IAsyncLifetime
{
    private readonly TwoNodeFixture _fx = new();
    private TestOrg Org => _fx.A.Org;

    public Task InitializeAsync() => _fx.InitializeAsync();

    public Task DisposeAsync() => _fx.DisposeAsync();

    private static T Get<T>(PortalFactory node) where T : notnull => node.Services.GetRequiredService<T>();

    private TimeSpan Interval => Get<ConfigurationVersion>(_fx.B).CheckInterval;

    private async Task<DateTime?> FirstResponseDueAsync(int ticketId)
    {
        await using var db = await Get<IDbContextFactory<DeskDbContext>>(_fx.B).CreateDbContextAsync();
        return await db.TicketSlaStates.Where(s => s.TicketId == ticketId && s.Metric == SlaMetric.FirstResponse).Select(s => s.DueAt).SingleAsync();
    }

    private async Task<SlaSaveResult> EditDefaultPolicyOnAAsync(string firstResponse)
    {
        var admin = Get<SlaAdminService>(_fx.A);
        await using var db = await Get<IDbContextFactory<DeskDbContext>>(_fx.A).CreateDbContextAsync();
        var policyId = await db.SlaPolicies.Where(p => p.IsDefault).Select(p => p.Id).SingleAsync();
        var input = await admin.GetPolicyAsync(Org.ActorFor(Org.Admin), policyId);
        var targets = SlaConfiguration.PriorityNames.ToDictionary(p => p, IReadOnlyDictionary<SlaMetric, string> (_) =>
            new Dictionary<SlaMetric, string> { [SlaMetric.FirstResponse] = firstResponse, [SlaMetric.Resolution] = "PT40H" });
        return await admin.SavePolicyAsync(Org.ActorFor(Org.Admin), input with { Targets = targets });
    }

    [Fact]
    public async Task APolicyEditedOnNodeA_AppliesToRequestsFiledOnNodeB_WithinOneSweepInterval()
    {
        var filingOnB = Get<TicketFiling>(_fx.B);
        var readsOnB = Get<TicketQueries>(_fx.B);
        var before = await filingOnB.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org, "Before the edit")); // B has read the policies
        var dueBefore = await FirstResponseDueAsync(before.Id);
        await EditDefaultPolicyOnAAsync("PT7H");

        _fx.Clock.Advance(Interval);
        var after = await filingOnB.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org, "After the edit"));

        // PostgreSQL keeps instants to the microsecond: compare to the millisecond.
        var expected = _fx.Clock.GetUtcNow().UtcDateTime.AddHours(7);
        Assert.InRange((await FirstResponseDueAsync(after.Id))!.Value, expected.AddMilliseconds(-1), expected.AddMilliseconds(1));
        Assert.False(dueBefore is { } d && Math.Abs((d - expected).TotalMilliseconds) < 1000, "the request filed before the edit kept its target");
    }

    [Fact]
    public async Task ARuleSavedOnNodeA_RunsOnNodeB_WithinOneSweepInterval()
    {
        var filingOnB = Get<TicketFiling>(_fx.B);
        var readsOnB = Get<TicketQueries>(_fx.B);
        var first = await filingOnB.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Printer on fire")); // B has read the rules
        Assert.Equal(TicketPriority.Normal, (await readsOnB.GetAsync(Org.ActorFor(Org.ItAgent), first.Id)).Priority);
        await Get<AutomationService>(_fx.A).SaveAsync(Org.ActorFor(Org.Admin), new RuleInput(null, "Fire is urgent", 1, true, RuleTrigger.Created,
            new RuleConditions { TextContains = "fire" }, new RuleActions { SetPriority = TicketPriority.High }, false));

        _fx.Clock.Advance(Interval);
        var second = await filingOnB.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Kitchen on fire"));

        Assert.Equal(TicketPriority.High, (await readsOnB.GetAsync(Org.ActorFor(Org.ItAgent), second.Id)).Priority);
    }

    [Fact]
    public async Task ARecomputeCutOffWhenItsNodeDies_IsFinishedByTheOtherNode()
    {
        var tickets = Get<TicketCommands>(_fx.A);
        var filing = Get<TicketFiling>(_fx.A);
        var ids = new List<int>();
        for (var i = 0; i < 5; i++)
            ids.Add((await filing.CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org, $"Payslip {i}"))).Id);
        var result = await EditDefaultPolicyOnAAsync("PT3H");
        Assert.True(result.Recomputing >= 5);

        // Node A recomputes two tickets, then dies before the rest.
        Assert.Equal(2, await Get<SlaService>(_fx.A).ContinueRecomputesAsync(maxBatches: 1, batchSize: 2));
        await _fx.A.DisposeAsync();

        await Get<SlaService>(_fx.B).ContinueRecomputesAsync();

        await using var db = await Get<IDbContextFactory<DeskDbContext>>(_fx.B).CreateDbContextAsync();
        var created = await db.Tickets.Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.CreatedAt);
        foreach (var id in ids)
            Assert.Equal(created[id].AddHours(3), await FirstResponseDueAsync(id));
        var work = await db.SlaRecomputes.SingleAsync();
        Assert.NotNull(work.FinishedAt);
        Assert.Equal(result.Recomputing, work.Recomputed);
    }
}

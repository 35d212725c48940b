using Microsoft.EntityFrameworkCore;
using Portal.Core.Routing;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>The pipeline evaluates a change as it stands in hand: rules and the SLA see what the same edit just set.</summary>
public sealed class TicketPipelineTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private TicketCommands Tickets => _db.Get<TicketCommands>();

    private TicketFiling Filing => _db.Get<TicketFiling>();
    private TicketQueries Reads => _db.Get<TicketQueries>();
    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task ARuleOnAFieldTheSameEditFillsIn_Fires_AndTheSlaFollowsThePriorityItSets()
    {
        await _db.Get<AutomationService>().SaveAsync(Org.ActorFor(Org.Admin), new RuleInput(null, "Disk failures are urgent", 1, true, RuleTrigger.Updated,
            new RuleConditions { Fields = [new FieldCondition(Org.Diagnosis.Id, "disk failure")] }, new RuleActions { SetPriority = TicketPriority.Critical }, false));
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await Filing.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org));
        var before = await Reads.GetAsync(agent, created.Id);
        var edit = TicketServiceTests.TicketEditModelFor(before);
        var fields = edit.Fields.ToDictionary();
        fields[Org.Diagnosis.Id] = "Disk failure"; // a field the ticket had no value for until this edit

        await Tickets.UpdateAsync(agent, created.Id, before.Version, edit with { Fields = fields });

        var after = await Reads.GetAsync(agent, created.Id);
        Assert.Equal(TicketPriority.Critical, after.Priority);
        Assert.Contains(after.Events, e => e.Kind == TicketEventKind.RuleApplied && e.Subject == "Disk failures are urgent");
        await using var ctx = _db.NewContext();
        var priorityChange = await ctx.TicketEvents.SingleAsync(e => e.TicketId == created.Id && e.Kind == TicketEventKind.PriorityChanged);
        Assert.Equal((before.Priority, TicketPriority.Critical), (priorityChange.OldPriority, priorityChange.NewPriority));
        // The stored SLA is the one the critical priority gives (the same as a recompute from the saved history).
        var stored = await ctx.TicketSlaStates.AsNoTracking().Where(s => s.TicketId == created.Id).OrderBy(s => s.Metric).Select(s => new { s.Metric, s.TargetSeconds, s.DueAt }).ToListAsync();
        await _db.Get<SlaService>().RecomputeAsync(q => q.Where(t => t.Id == created.Id));
        await using var fresh = _db.NewContext();
        var recomputed = await fresh.TicketSlaStates.AsNoTracking().Where(s => s.TicketId == created.Id).OrderBy(s => s.Metric).Select(s => new { s.Metric, s.TargetSeconds, s.DueAt }).ToListAsync();
        Assert.Equal(recomputed, stored);
        Assert.NotEqual(before.Sla.Single(s => s.Metric == SlaMetric.FirstResponse).Target, after.Sla.Single(s => s.Metric == SlaMetric.FirstResponse).Target);
    }
}

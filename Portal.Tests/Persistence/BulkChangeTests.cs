using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Handling;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>Changing picked tickets at once: each its own edit through the pipeline, a stale or forbidden one left whole, and undo.</summary>
public class BulkChangeTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private BulkChanges Bulk => _db.Get<BulkChanges>();

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<Dictionary<int, int>> VersionsAsync()
    {
        await using var db = _db.NewContext();
        return await db.Tickets.ToDictionaryAsync(t => t.Id, t => t.Version);
    }

    [Fact]
    public async Task ABulkChange_ChangesEachTicketOnce_LeavesAStaleAndAForbiddenOneWhole_AndUndoPutsTheChangedOnesBack()
    {
        var ivan = Org.ActorFor(Org.ItAgent);
        var requester = Org.ActorFor(Org.Requester);
        var a = await TicketFactory.FileAsync(_db, requester, TicketFactory.Laptop(Org, "First"));
        var b = await TicketFactory.FileAsync(_db, requester, TicketFactory.Laptop(Org, "Second"));
        var stale = await TicketFactory.FileAsync(_db, requester, TicketFactory.Laptop(Org, "Third"));
        var payroll = await TicketFactory.FileAsync(_db, requester, TicketFactory.Payroll(Org));
        var v = await VersionsAsync();
        await _db.Get<TicketCommands>().AssignToMeAsync(Org.ActorFor(Org.ItAgent2), stale.Id, v[stale.Id]);

        var result = await Bulk.ApplyAsync(ivan, [new(a.Id, v[a.Id]), new(b.Id, v[b.Id]), new(stale.Id, v[stale.Id]), new(payroll.Id, v[payroll.Id])],
            new BulkChange(TicketStatus.InProgress, TicketPriority.High, AssigneeId: Org.ItAgent.Id, AddTags: ["Outage"]));
        Assert.Equal([true, true, false, false], result.Outcomes.Select(o => o.Applied));
        Assert.Contains("changed after you picked it", result.Outcomes[2].Refused);
        Assert.Equal($"#{payroll.Id}", result.Outcomes[3].Key);
        Assert.Equal(2, result.Undo.Count);

        await using (var db = _db.NewContext())
        {
            var first = await db.Tickets.Include(t => t.Tags).AsNoTracking().SingleAsync(t => t.Id == a.Id);
            Assert.Equal((TicketStatus.InProgress, TicketPriority.High, Org.ItAgent.Id), (first.Status, first.Priority, first.AssigneeId));
            Assert.Equal(["outage"], first.Tags.Select(t => t.Tag));
            // One history entry per field, through the same pipeline as a manual edit (audit included).
            var kinds = await db.TicketEvents.Where(e => e.TicketId == a.Id && e.ActorId == Org.ItAgent.Id).Select(e => e.Kind).ToListAsync();
            Assert.Equal(1, kinds.Count(k => k == TicketEventKind.StatusChanged));
            Assert.Equal(1, kinds.Count(k => k == TicketEventKind.TagsChanged));
            Assert.True(await db.AuditEntries.AnyAsync(x => x.TicketId == a.Id && x.Action == "ticket.prioritychanged" && x.ActorId == Org.ItAgent.Id));
            Assert.Equal(Org.ItAgent2.Id, (await db.Tickets.SingleAsync(t => t.Id == stale.Id)).AssigneeId);
            Assert.NotEqual(TicketStatus.InProgress, (await db.Tickets.SingleAsync(t => t.Id == payroll.Id)).Status);
        }

        // Someone touches the second again; undo puts the first back and leaves the second, saying why.
        var now = await VersionsAsync();
        await _db.Get<TicketCommands>().AssignToMeAsync(Org.ActorFor(Org.ItAgent2), b.Id, now[b.Id]);
        var undone = await Bulk.UndoAsync(ivan, result.Undo);
        Assert.Equal([true, false], undone.Select(o => o.Applied));
        Assert.Contains("changed again", undone[1].Refused);
        await using (var db = _db.NewContext())
        {
            var first = await db.Tickets.Include(t => t.Tags).AsNoTracking().SingleAsync(t => t.Id == a.Id);
            Assert.Equal((TicketStatus.New, TicketPriority.Normal, (string?)null), (first.Status, first.Priority, first.AssigneeId));
            Assert.Empty(first.Tags);
        }

        await Assert.ThrowsAsync<DeskValidationException>(() => Bulk.ApplyAsync(ivan, [new(a.Id, 1)], new BulkChange()));
        await Assert.ThrowsAsync<DeskValidationException>(() => Bulk.ApplyAsync(ivan, [], new BulkChange(Priority: TicketPriority.Low)));
    }
}

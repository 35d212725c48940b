using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>The audit trail: written with each ticket change, chained, refused changes by the database, verified.</summary>
public class AuditTrailTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        var tickets = _db.Get<TicketCommands>();
        var filing = _db.Get<TicketFiling>();
        var reads = _db.Get<TicketQueries>();
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var sue = Org.ActorFor(Org.ItSupervisor);
        await tickets.ReplyAsync(sue, created.Id, "Looking at it", isPublic: true, []);
        await tickets.ReplyAsync(sue, created.Id, "Disk is failing", isPublic: false, []);
        var t = await reads.GetAsync(sue, created.Id);
        await tickets.UpdateAsync(sue, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with
        {
            AssigneeId = Org.ItAgent.Id, Priority = TicketPriority.High,
        });
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();



    [Fact]
    public async Task EveryTicketAction_WritesAChainedEntry_WithWhoWhatAndValues()
    {
        var entries = await AuditFile.EntriesAsync(_db);
        var actions = entries.Select(e => e.Action).ToList();
        Assert.Equal("ticket.created", actions.First(a => a.StartsWith("ticket.", StringComparison.Ordinal)));
        Assert.Contains("ticket.reply", actions);
        Assert.Contains("ticket.internalnote", actions);
        Assert.Contains("ticket.assigneechanged", actions);
        Assert.Contains("ticket.prioritychanged", actions);
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Id));
        Assert.Equal(AuditChain.Genesis, entries[0].PrevHash);
        Assert.All(entries.Skip(1).Zip(entries), pair => Assert.Equal(pair.Second.Hash, pair.First.PrevHash));
        var priority = entries.Single(e => e.Action == "ticket.prioritychanged");
        Assert.Equal((Org.ItSupervisor.Id, AuditActorKind.User), (priority.ActorId, priority.ActorKind));
        Assert.Contains("Normal", priority.Before);
        Assert.Contains("High", priority.After);
        Assert.NotNull(priority.TicketId);

        var result = await _db.Get<AuditService>().VerifyAsync();
        Assert.True(result.Holds, result.Problem);
        Assert.Equal(entries.Count, result.Checked);
    }

    [Fact]
    public async Task ConcurrentFilings_RetriedForTheirNumbers_AreAuditedOnceEach()
    {
        var filing = _db.Get<TicketFiling>();
        var created = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Task.Run(() => filing.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, $"Parallel {i}")))));
        var entries = await AuditFile.EntriesAsync(_db);
        var filed = entries.Where(e => e.Action == "ticket.created").Select(e => e.TicketId).ToList();
        Assert.Equal(filed.Count, filed.Distinct().Count());
        Assert.All(created, c => Assert.Contains(c.Id, filed));
        Assert.True((await _db.Get<AuditService>().VerifyAsync()).Holds);
    }

    [Fact]
    public async Task AChangeRolledBack_LeavesNoEntryAndNoFacts_AndTheNextOneCommitted_ChainsOn()
    {
        var entries = await AuditFile.EntriesAsync(_db);
        var ticketId = entries.First(e => e.Action == "ticket.created").TicketId!.Value;
        await using var db = _db.NewContext();

        // Entries and facts wait for the commit (Persistence.CommitWrites): a rollback drops them with the change.
        await ResolveAsync(db, ticketId, commit: false);
        Assert.Equal(entries.Count, (await AuditFile.EntriesAsync(_db)).Count);
        Assert.NotEqual(TicketStatus.Resolved, await FactStatusAsync(ticketId));

        db.ChangeTracker.Clear();
        await ResolveAsync(db, ticketId, commit: true);
        var after = await AuditFile.EntriesAsync(_db);
        Assert.Equal(entries.Count + 1, after.Count);
        Assert.Equal(("ticket.statuschanged", ticketId), (after[^1].Action, after[^1].TicketId!.Value));
        Assert.Equal(TicketStatus.Resolved, await FactStatusAsync(ticketId));
        Assert.True((await _db.Get<AuditService>().VerifyAsync()).Holds);
    }

    /// <summary>Resolves the ticket in a transaction of two saves (the status, then its history entry), committed or rolled back.</summary>
    private async Task ResolveAsync(Portal.Core.Persistence.DeskDbContext db, int ticketId, bool commit)
    {
        await using var tx = await db.Database.BeginTransactionAsync();
        var ticket = await db.Tickets.FirstAsync(t => t.Id == ticketId);
        var from = ticket.Status;
        ticket.Status = TicketStatus.Resolved;
        await db.SaveChangesAsync();
        db.TicketEvents.Add(TicketEvent.StatusChange(ticketId, _db.Clock.GetUtcNow().UtcDateTime, from, TicketStatus.Resolved, Org.ItAgent.Id));
        await db.SaveChangesAsync();
        if (commit)
            await tx.CommitAsync();
        else
            await tx.RollbackAsync();
    }

    private async Task<TicketStatus> FactStatusAsync(int ticketId)
    {
        await using var db = _db.NewContext();
        return await db.TicketFacts.Where(f => f.TicketId == ticketId).Select(f => f.Status).SingleAsync();
    }

    [Fact]
    public async Task TheDatabase_RefusesToChangeOrRemoveAnEntry()
    {
        await using var ctx = _db.NewContext();
        var update = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            ctx.Database.ExecuteSqlRawAsync("""UPDATE "AuditEntries" SET "Action" = 'x' WHERE "Id" = 1"""));
        Assert.Contains("audit entries cannot be changed", update.Message);
        var delete = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            ctx.Database.ExecuteSqlRawAsync("""DELETE FROM "AuditEntries" WHERE "Id" = 2"""));
        Assert.Contains("audit entries cannot be removed", delete.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("UPDATE AuditEntries SET After = '{\"Priority\":\"Low\"}' WHERE Action = 'ticket.prioritychanged'")]
    [InlineData("UPDATE AuditEntries SET At = '2026-11-23 09:00:01' WHERE Id = 4")]
    [InlineData("UPDATE AuditEntries SET TicketId = NULL WHERE Id = (SELECT MIN(Id) FROM AuditEntries WHERE TicketId IS NOT NULL)")]
    [InlineData("DELETE FROM AuditEntries WHERE Id = 3")]
    [InlineData("UPDATE AuditEntries SET Id = -Id WHERE Id IN (2, 3); UPDATE AuditEntries SET Id = 3 WHERE Id = -2; UPDATE AuditEntries SET Id = 2 WHERE Id = -3")]
    public async Task TheFastWalk_AndTheGeneralWalk_GiveTheSameFinding(string tamper)
    {
        if (tamper.Length > 0)
            await AuditFile.TamperAsync(_db, tamper);
        var fast = await _db.Get<AuditService>().VerifyAsync();
        var walker = new AuditChainWalker();
        foreach (var entry in await AuditFile.EntriesAsync(_db))
        {
            if (!walker.Next(entry))
                break;
        }

        Assert.Equal((walker.FirstBadId, walker.Problem, walker.Checked), (fast.FirstBadId, fast.Problem, fast.Checked));
        Assert.Equal(tamper.Length == 0, fast.Holds);
    }

    [Fact]
    public async Task AnEditedEntry_IsNamed()
    {
        await AuditFile.TamperAsync(_db, "UPDATE AuditEntries SET After = '{\"Priority\":\"Low\"}' WHERE Action = 'ticket.prioritychanged'");
        var id = (await AuditFile.EntriesAsync(_db)).Single(e => e.Action == "ticket.prioritychanged").Id;
        var log = new ListLogger<AuditService>();
        var audit = new AuditService(_db.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Core.Persistence.DeskDbContext>>(),
            _db.Get<AuditCheckpoints>(), _db.Clock, log);
        var result = await audit.VerifyAsync();
        Assert.Equal(id, result.FirstBadId);
        Assert.Contains("was changed", result.Problem);
        // The operator is told, as an error naming the entry.
        var (level, message) = Assert.Single(log.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, level);
        Assert.Contains($"first bad entry {id}", message);
    }

    [Fact]
    public async Task ARemovedEntry_IsNamed()
    {
        await AuditFile.TamperAsync(_db, "DELETE FROM AuditEntries WHERE Id = 3");
        var result = await _db.Get<AuditService>().VerifyAsync();
        Assert.Equal(3, result.FirstBadId);
        Assert.Contains("missing", result.Problem);
    }

    [Fact]
    public async Task AnInsertedEntry_IsNamed()
    {
        // Shift the later entries up by one and put a forged entry in the gap (its hash computed the proper way).
        var entries = await AuditFile.EntriesAsync(_db);
        var forged = new AuditEntry
        {
            Id = 3, At = entries[2].At, ActorKind = AuditActorKind.User, ActorId = Org.Admin.Id, Action = "ticket.reply", EntityType = "ticket",
            EntityId = entries[2].EntityId, TicketId = entries[2].TicketId, After = "{\"text\":\"forged\"}",
        };
        AuditChain.Seal(forged, entries[1].Hash);
        await AuditFile.TamperAsync(_db, $"""
            UPDATE AuditEntries SET Id = -Id WHERE Id >= 3;
            UPDATE AuditEntries SET Id = -Id + 1 WHERE Id < 0;
            INSERT INTO AuditEntries (Id, At, ActorKind, ActorId, Action, EntityType, EntityId, TicketId, Before, After, Source, PrevHash, Hash)
            VALUES (3, '{forged.At:yyyy-MM-dd HH:mm:ss.FFFFFFF}', 'User', '{forged.ActorId}', 'ticket.reply', 'ticket', '{forged.EntityId}', {forged.TicketId?.ToString() ?? "NULL"},
                    NULL, '{forged.After}', NULL, '{forged.PrevHash}', '{forged.Hash}');
            """);
        var result = await _db.Get<AuditService>().VerifyAsync();
        Assert.Equal(4, result.FirstBadId);
        Assert.Contains("does not follow", result.Problem);
    }

    [Fact]
    public async Task ReorderedEntries_AreNamed()
    {
        await AuditFile.TamperAsync(_db, """
            UPDATE AuditEntries SET Id = -1 WHERE Id = 2;
            UPDATE AuditEntries SET Id = 2 WHERE Id = 3;
            UPDATE AuditEntries SET Id = 3 WHERE Id = -1;
            """);
        var result = await _db.Get<AuditService>().VerifyAsync();
        Assert.Equal(2, result.FirstBadId);
        Assert.False(result.Holds);
    }
}

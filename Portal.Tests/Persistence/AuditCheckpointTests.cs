using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>Signed checkpoints outside the database catch what the chain alone cannot: a rewrite of the whole chain.</summary>
public class AuditCheckpointTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "internaldesk-checkpoints", Guid.NewGuid().ToString("N"));
    private TestDatabase _db = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Audit:CheckpointFolder"] = _folder,
            ["Audit:CheckpointKey"] = "a-test-key-that-is-long-enough-for-hmac-0123456789",
        });
        await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester));
        await _db.Get<AuditCheckpoints>().WriteAsync();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }



    [Fact]
    public async Task TheChainAndItsCheckpoint_Verify()
    {
        var checkpoints = _db.Get<AuditCheckpoints>();
        Assert.Null(await checkpoints.WriteAsync()); // nothing new since the last one
        var result = await _db.Get<AuditService>().VerifyAsync();
        Assert.True(result.Holds, result.Problem);
        Assert.Equal(1, result.Checkpoints);
        Assert.Single(File.ReadAllLines(checkpoints.FilePath));
    }

    [Fact]
    public async Task RewritingTheWholeChain_IsCaughtByTheCheckpoint()
    {
        // Someone with the database file changes the first entry and recomputes every hash after it.
        var entries = await AuditFile.EntriesAsync(_db);
        entries[0].ActorId = _db.Org.Admin.Id;
        var prev = AuditChain.Genesis;
        var sql = new System.Text.StringBuilder();
        foreach (var e in entries)
        {
            AuditChain.Seal(e, prev);
            prev = e.Hash;
            sql.Append($"UPDATE AuditEntries SET ActorId = '{e.ActorId}', PrevHash = '{e.PrevHash}', Hash = '{e.Hash}' WHERE Id = {e.Id};");
        }

        await AuditFile.TamperAsync(_db, sql.ToString());
        var result = await _db.Get<AuditService>().VerifyAsync();
        Assert.False(result.Holds);
        Assert.Contains("does not match the checkpoint", result.Problem);
    }

    [Fact]
    public async Task CuttingOffTheEnd_IsCaught()
    {
        var last = (await AuditFile.EntriesAsync(_db)).Last().Id;
        await AuditFile.TamperAsync(_db, $"DELETE FROM AuditEntries WHERE Id = {last}");
        var result = await _db.Get<AuditService>().VerifyAsync();
        Assert.Contains($"entries after {last - 1} were removed", result.Problem);
    }

    [Fact]
    public async Task AForgedCheckpoint_IsCaught()
    {
        var path = _db.Get<AuditCheckpoints>().FilePath;
        var line = File.ReadAllText(path).Trim().Split(' ');
        await File.AppendAllTextAsync(path, $"{line[0]} {new string('a', 64)} {line[2]} {line[3]}\n");
        var result = await _db.Get<AuditService>().VerifyAsync();
        Assert.Contains("does not verify with the key", result.Problem);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Persistence;

namespace Portal.Core.Operations;

/// <summary>Who holds a named piece of work (the escalation sweep) until when.</summary>
public class Lease
{
    public string Name { get; set; } = "";
    public string Holder { get; set; } = "";

    /// <summary>UTC; another node may take the lease once this has passed.</summary>
    public DateTime ExpiresAt { get; set; }
}

internal sealed class LeaseConfiguration : IEntityTypeConfiguration<Lease>
{
    public void Configure(EntityTypeBuilder<Lease> b)
    {
        b.ToTable("Leases");
        b.HasKey(l => l.Name);
        b.Property(l => l.Name).HasMaxLength(100);
        b.Property(l => l.Holder).HasMaxLength(200);
    }
}

/// <summary>
/// Leases in the database: with several nodes, one of them does a piece of work that every node could do (the
/// sweep), so the others save theirs; when it stops renewing (it died), another takes over once the lease expires.
/// Correctness never rests on the lease (the sweep's claims keep every level firing once); it only saves work.
/// Taking and renewing are one conditional UPDATE (or the first INSERT), so two nodes never both hold it.
/// </summary>
public sealed class LeaseService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, ILogger<LeaseService>? log = null)
{
    /// <summary>The leases this node held at its last try, so that taking one over and losing one are logged once each.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _held = new();

    /// <summary>This process's name as a holder: the machine and a random part (two processes on one machine differ).</summary>
    public string Node { get; set; } = $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Takes or renews the lease for <paramref name="duration"/>; false when another holder's lease has not expired.</summary>
    public async Task<bool> TryHoldAsync(string name, TimeSpan duration, CancellationToken ct = default)
    {
        var holds = await TryTakeAsync(name, duration, ct);
        var held = _held.TryGetValue(name, out var h) && h;
        _held[name] = holds;
        if (holds && !held)
            log?.LogInformation("This node ({Node}) now holds the {Lease} lease", Node, name);
        else if (!holds && held)
            log?.LogWarning("This node ({Node}) lost the {Lease} lease to another node", Node, name);
        return holds;
    }

    private async Task<bool> TryTakeAsync(string name, TimeSpan duration, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + duration;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var taken = await db.Set<Lease>().Where(l => l.Name == name && (l.Holder == Node || l.ExpiresAt <= now))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, Node).SetProperty(l => l.ExpiresAt, until), ct);
        if (taken == 1)
            return true;
        if (await db.Set<Lease>().AnyAsync(l => l.Name == name, ct))
            return false;
        db.Add(new Lease { Name = name, Holder = Node, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another node inserted it first
        }
    }

    /// <summary>Gives the lease up (on a clean shutdown), so another node takes over at its next try.</summary>
    public async Task ReleaseAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Set<Lease>().Where(l => l.Name == name && l.Holder == Node)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, DateTime.UnixEpoch), ct);
    }

    public async Task<Lease?> GetAsync(string name, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Set<Lease>().AsNoTracking().FirstOrDefaultAsync(l => l.Name == name, ct);
    }
}

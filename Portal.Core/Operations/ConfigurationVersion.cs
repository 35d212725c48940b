using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Persistence;

namespace Portal.Core.Operations;

/// <summary>The one row that counts the desk's configuration edits (policies, calendars, escalation paths, rules).</summary>
public class ConfigurationStamp
{
    public int Id { get; set; }
    public long Version { get; set; }
}

internal sealed class ConfigurationStampConfiguration : IEntityTypeConfiguration<ConfigurationStamp>
{
    public void Configure(EntityTypeBuilder<ConfigurationStamp> b)
    {
        b.ToTable("ConfigurationStamps");
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasData(new ConfigurationStamp { Id = ConfigurationVersion.StampId, Version = 1 });
    }
}

/// <summary>
/// What every node's configuration caches (compiled SLA policies and calendars, escalation paths, automation rules)
/// compare with: the version kept in the database, read again at most once per <see cref="CheckInterval"/> (the sweep's
/// interval). An edit bumps it in the edit's own transaction, so another node drops its caches within one interval and
/// the node that saved drops them at once.
/// </summary>
public sealed class ConfigurationVersion(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, IOptions<SweepOptions> options,
    ILogger<ConfigurationVersion>? log = null)
{
    internal const int StampId = 1;

    private long _version;
    private long _checkedAt = long.MinValue;

    public TimeSpan CheckInterval => TimeSpan.FromSeconds(options.Value.SweepSeconds);

    /// <summary>
    /// The configuration version, as last read: no query while the last read is younger than the interval, unless
    /// <paramref name="fresh"/> asks for the version as it is now.
    /// </summary>
    public async Task<long> CurrentAsync(CancellationToken ct = default, bool fresh = false)
    {
        var now = clock.GetTimestamp();
        var checkedAt = Volatile.Read(ref _checkedAt);
        if (!fresh && checkedAt != long.MinValue && clock.GetElapsedTime(checkedAt, now) < CheckInterval)
            return Volatile.Read(ref _version);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var version = await db.Set<ConfigurationStamp>().Where(s => s.Id == StampId).Select(s => s.Version).FirstOrDefaultAsync(ct);
        var previous = Interlocked.Exchange(ref _version, version);
        if (previous != 0 && previous != version)
            log?.LogInformation("Configuration version {Version} (was {Previous}): this node reads its SLA policies, calendars, escalation paths and rules again",
                version, previous);
        Volatile.Write(ref _checkedAt, now);
        return version;
    }

    /// <summary>
    /// Saves a configuration edit and bumps the version in one transaction (the caller's, when it has one), then
    /// makes this node read the new version at once.
    /// </summary>
    public async Task SaveEditAsync(DeskDbContext db, CancellationToken ct = default)
    {
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            await db.SaveChangesAsync(ct);
            await db.Set<ConfigurationStamp>().Where(s => s.Id == StampId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Version, x => x.Version + 1), ct);
            if (own is not null)
                await own.CommitAsync(ct);
        }
        finally
        {
            if (own is not null)
                await own.DisposeAsync();
        }

        Volatile.Write(ref _checkedAt, long.MinValue);
    }
}

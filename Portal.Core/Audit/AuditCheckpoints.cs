using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Persistence;

namespace Portal.Core.Audit;

/// <summary>Settings under <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Where checkpoints are written: a folder outside the database, ideally on another disk or share that the app may
    /// append to and the database's administrators may not rewrite. Relative paths resolve beside the content root.
    /// </summary>
    public string CheckpointFolder { get; set; } = "audit-checkpoints";

    /// <summary>The HMAC key (any text, at least 32 characters), from configuration or a secret store, never the database.</summary>
    public string? CheckpointKey { get; set; }

    /// <summary>How often a checkpoint is written when the chain has grown.</summary>
    public int CheckpointMinutes { get; set; } = 15;
}

public sealed record AuditCheckpoint(long Sequence, string HeadHash, DateTime At, string Mac);

/// <summary>
/// Checkpoints: the chain's length and head hash, with an HMAC under a key kept outside the database, appended to a
/// file outside the database. Someone who rewrites the whole chain (recomputing every hash) cannot forge them, so
/// verification against the checkpoints detects that too.
/// </summary>
public sealed class AuditCheckpoints(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, IOptions<AuditOptions> options, string contentRoot)
{
    public const string FileName = "checkpoints.log";

    public string Folder => Path.IsPathRooted(options.Value.CheckpointFolder)
        ? options.Value.CheckpointFolder
        : Path.Combine(contentRoot, options.Value.CheckpointFolder);

    public string FilePath => Path.Combine(Folder, FileName);

    public bool Configured => options.Value.CheckpointKey is { Length: >= 32 };

    private byte[] Key => Encoding.UTF8.GetBytes(options.Value.CheckpointKey
        ?? throw new InvalidOperationException("Audit:CheckpointKey is not set; checkpoints need a key kept outside the database."));

    public string MacOf(long sequence, string headHash, DateTime at) => Convert.ToHexStringLower(HMACSHA256.HashData(Key,
        Encoding.UTF8.GetBytes($"{sequence}\n{headHash}\n{at.ToString("O", CultureInfo.InvariantCulture)}")));

    /// <summary>Appends a checkpoint of the chain's head when it has grown since the last one; returns it, or null.</summary>
    public async Task<AuditCheckpoint?> WriteAsync(CancellationToken ct = default)
    {
        if (!Configured)
            return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var head = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(ct);
        if (head is null)
            return null;
        var last = Read().LastOrDefault();
        if (last is not null && last.Sequence >= head.Id)
            return null;
        var at = DateTime.SpecifyKind(clock.GetUtcNow().UtcDateTime, DateTimeKind.Utc);
        var checkpoint = new AuditCheckpoint(head.Id, head.Hash, at, MacOf(head.Id, head.Hash, at));
        Directory.CreateDirectory(Folder);
        await File.AppendAllTextAsync(FilePath,
            $"{checkpoint.Sequence} {checkpoint.HeadHash} {at.ToString("O", CultureInfo.InvariantCulture)} {checkpoint.Mac}\n", ct);
        return checkpoint;
    }

    public IReadOnlyList<AuditCheckpoint> Read()
    {
        if (!File.Exists(FilePath))
            return [];
        return File.ReadAllLines(FilePath).Where(l => l.Length > 0).Select(line =>
        {
            var parts = line.Split(' ');
            return parts.Length == 4 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var sequence)
                && DateTime.TryParse(parts[2], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
                ? new AuditCheckpoint(sequence, parts[1], at, parts[3])
                : new AuditCheckpoint(-1, line, DateTime.MinValue, "");
        }).ToList();
    }

    /// <summary>
    /// Checks every checkpoint against the chain as read (the hashes of the entries at the checkpoints' sequence
    /// numbers): a checkpoint whose HMAC is wrong was forged; an entry whose hash differs from its checkpoint means the
    /// chain was rewritten; a checkpoint beyond the chain's end means entries were cut off.
    /// </summary>
    public string? Check(IReadOnlyDictionary<long, string> hashes, long chainLength)
    {
        foreach (var c in Read())
        {
            if (c.Sequence < 0 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(c.Mac),
                    Encoding.ASCII.GetBytes(MacOf(c.Sequence, c.HeadHash, c.At))))
                return $"the checkpoint \"{(c.Sequence < 0 ? c.HeadHash : c.Sequence.ToString(CultureInfo.InvariantCulture))}\" in {FilePath} does not verify with the key: it was forged or altered";
            if (c.Sequence > chainLength)
                return $"the checkpoint of {c.At:yyyy-MM-dd HH:mm} UTC covers {c.Sequence} entries but the trail has {chainLength}: entries after {chainLength} were removed";
            if (!hashes.TryGetValue(c.Sequence, out var hash) || hash != c.HeadHash)
                return $"entry {c.Sequence} does not match the checkpoint of {c.At:yyyy-MM-dd HH:mm} UTC: the chain was rewritten";
        }

        return null;
    }
}

using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Core.Audit;

/// <summary>
/// The hash chain, pure: an entry's hash is SHA-256 over its canonical content, in which every field is written as
/// its UTF-8 byte length, a colon and the bytes (so no value can be shifted into its neighbour), and which ends with
/// the previous entry's hash. docs/audit.md shows the same computation for re-verifying an export elsewhere.
/// </summary>
public static class AuditChain
{
    public static readonly string Genesis = new('0', 64);

    public static string Canonical(long id, DateTime at, AuditActorKind actorKind, string? actorId, string action, string entityType,
        string entityId, int? ticketId, string? before, string? after, string? source, string prevHash)
    {
        var text = new StringBuilder(256);
        void Field(string? value)
        {
            value ??= "";
            text.Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
        }

        Field(id.ToString(CultureInfo.InvariantCulture));
        Field(Instant(at));
        Field(actorKind.ToString());
        Field(actorId);
        Field(action);
        Field(entityType);
        Field(entityId);
        Field(ticketId?.ToString(CultureInfo.InvariantCulture));
        Field(before);
        Field(after);
        Field(source);
        Field(prevHash);
        return text.ToString();
    }

    /// <summary>An entry's time as hashed (and exported): UTC with seven fraction digits, e.g. 2026-11-28T09:15:02.1234567Z.</summary>
    public static string Instant(DateTime at) =>
        DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);

    public static string Canonical(AuditEntry e) =>
        Canonical(e.Id, e.At, e.ActorKind, e.ActorId, e.Action, e.EntityType, e.EntityId, e.TicketId, e.Before, e.After, e.Source, e.PrevHash);

    public static string HashOf(string canonical)
    {
        var max = Encoding.UTF8.GetMaxByteCount(canonical.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(canonical, rented);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(rented.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Fills in the entry's hash from its content and the previous hash.</summary>
    public static void Seal(AuditEntry entry, string prevHash)
    {
        entry.PrevHash = prevHash;
        entry.Hash = HashOf(Canonical(entry));
    }
}

/// <summary>The first entry that does not verify, and why; null problem means the chain holds.</summary>
public sealed record AuditVerification(long Checked, long? FirstBadId, string? Problem, TimeSpan Took)
{
    /// <summary>How many checkpoints were checked; null when no checkpoint key is configured.</summary>
    public int? Checkpoints { get; init; }

    public bool Holds => Problem is null;
    public double PerSecond => Took.TotalSeconds <= 0 ? Checked : Checked / Took.TotalSeconds;
}

/// <summary>Walks entries in sequence order and names the first that breaks the chain.</summary>
public sealed class AuditChainWalker
{
    private long _expectedId = 1;
    private string _prevHash = AuditChain.Genesis;

    public long Checked { get; private set; }
    public long? FirstBadId { get; private set; }
    public string? Problem { get; private set; }
    public string HeadHash => _prevHash;
    public long HeadId => _expectedId - 1;

    /// <summary>Checks one entry; returns false (and stops checking) at the first that does not verify.</summary>
    public bool Next(AuditEntry e)
    {
        if (Problem is not null)
            return false;
        if (e.Id != _expectedId)
        {
            return Fail(e.Id > _expectedId ? _expectedId : e.Id, e.Id > _expectedId ? Missing(_expectedId, e.Id) : Repeated(e.Id, _expectedId - 1));
        }

        if (e.PrevHash != _prevHash)
            return Fail(e.Id, NotFollowing(e.Id));
        var hash = AuditChain.HashOf(AuditChain.Canonical(e));
        if (hash != e.Hash)
            return Fail(e.Id, Changed(e.Id));
        _prevHash = e.Hash;
        _expectedId++;
        Checked++;
        return true;
    }

    internal static string Missing(long expected, long next) => $"entry {expected} is missing (the next entry is {next}): entries were removed";

    internal static string Repeated(long id, long previous) =>
        $"entry {id} appears again after entry {previous}: entries were inserted or reordered";

    internal static string NotFollowing(long id) =>
        $"entry {id} does not follow entry {id - 1} (its previous hash differs): entries were inserted, removed or reordered";

    internal static string Changed(long id) => $"entry {id} was changed after it was written (its content does not match its hash)";

    private bool Fail(long id, string problem)
    {
        FirstBadId = id;
        Problem = problem;
        return false;
    }
}

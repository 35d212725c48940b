using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Portal.Core.Audit;

/// <summary>
/// The chain walk on SQLite at full speed: one prepared statement stepped through SQLite's own API, each entry's
/// canonical form (docs/audit.md) built straight from the stored UTF-8 bytes into one reused buffer and hashed, without
/// a .NET string or a parsed instant per entry. It checks exactly what <see cref="AuditChainWalker"/> checks, with the
/// same messages; the stored instant (<c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>) is rewritten to the hashed form
/// (<c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c>) byte by byte.
/// </summary>
internal static class AuditFastWalk
{
    private const string Sql = """
        SELECT "Id", "At", "ActorKind", "ActorId", "Action", "EntityType", "EntityId", "TicketId", "Before", "After", "Source", "PrevHash", "Hash"
        FROM "AuditEntries" ORDER BY "Id"
        """;

    public sealed record Result(long Checked, long HeadId, long? FirstBadId, string? Problem, Dictionary<long, string> AtMarks);

    public static Result Run(SqliteConnection connection, IReadOnlySet<long> marks, CancellationToken ct)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(db, Sql, out var stmt);
        if (rc != raw.SQLITE_OK)
            throw new SqliteException($"Could not read the audit trail: {raw.sqlite3_errmsg(db).utf8_to_string()}", rc);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        Span<byte> hash = stackalloc byte[32];
        Span<byte> hex = stackalloc byte[64];
        Span<byte> prev = stackalloc byte[64];
        "0000000000000000000000000000000000000000000000000000000000000000"u8.CopyTo(prev);
        var atMarks = new Dictionary<long, string>();
        long expected = 1, checkedCount = 0;
        try
        {
            while (true)
            {
                rc = raw.sqlite3_step(stmt);
                if (rc == raw.SQLITE_DONE)
                    break;
                if (rc != raw.SQLITE_ROW)
                    throw new SqliteException($"Could not read the audit trail: {raw.sqlite3_errmsg(db).utf8_to_string()}", rc);
                if ((checkedCount & 0xFFFF) == 0)
                    ct.ThrowIfCancellationRequested();

                var id = raw.sqlite3_column_int64(stmt, 0);
                if (id != expected)
                {
                    return id > expected
                        ? Fail(expected, AuditChainWalker.Missing(expected, id))
                        : Fail(id, AuditChainWalker.Repeated(id, expected - 1));
                }

                var storedPrev = raw.sqlite3_column_blob(stmt, 11);
                if (!storedPrev.SequenceEqual(prev))
                    return Fail(id, AuditChainWalker.NotFollowing(id));

                ReadOnlySpan<byte> at = raw.sqlite3_column_blob(stmt, 1), kind = raw.sqlite3_column_blob(stmt, 2),
                    actor = raw.sqlite3_column_blob(stmt, 3), action = raw.sqlite3_column_blob(stmt, 4), type = raw.sqlite3_column_blob(stmt, 5),
                    entity = raw.sqlite3_column_blob(stmt, 6), before = raw.sqlite3_column_blob(stmt, 8), after = raw.sqlite3_column_blob(stmt, 9),
                    source = raw.sqlite3_column_blob(stmt, 10);
                var ticketNull = raw.sqlite3_column_type(stmt, 7) == raw.SQLITE_NULL;
                var ticket = ticketNull ? 0 : raw.sqlite3_column_int64(stmt, 7);
                // Lengths, colons and line feeds (at most 12 x 12), the rewritten instant, two numbers and the previous hash.
                var needed = 144 + 29 + 40 + 64 + kind.Length + actor.Length + action.Length + type.Length + entity.Length + before.Length
                    + after.Length + source.Length;
                if (needed > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(needed * 2);
                }

                var span = buffer.AsSpan();
                var length = 0;
                WriteInteger(span, ref length, id);
                if (!WriteInstant(span, ref length, at))
                    return Fail(id, AuditChainWalker.Changed(id));
                WriteField(span, ref length, kind);
                WriteField(span, ref length, actor);
                WriteField(span, ref length, action);
                WriteField(span, ref length, type);
                WriteField(span, ref length, entity);
                if (ticketNull)
                    WriteField(span, ref length, default);
                else
                    WriteInteger(span, ref length, ticket);
                WriteField(span, ref length, before);
                WriteField(span, ref length, after);
                WriteField(span, ref length, source);
                WriteField(span, ref length, storedPrev);

                SHA256.HashData(span[..length], hash);
                ToHex(hash, hex);
                var storedHash = raw.sqlite3_column_blob(stmt, 12);
                if (!storedHash.SequenceEqual(hex))
                    return Fail(id, AuditChainWalker.Changed(id));
                hex.CopyTo(prev);
                if (marks.Contains(id))
                    atMarks[id] = System.Text.Encoding.ASCII.GetString(hex);
                expected++;
                checkedCount++;
            }
        }
        finally
        {
            raw.sqlite3_finalize(stmt);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new Result(checkedCount, expected - 1, null, null, atMarks);

        Result Fail(long id, string problem) => new(checkedCount, expected - 1, id, problem, atMarks);
    }

    /// <summary>A field as hashed: its UTF-8 byte length, a colon, the bytes, a line feed.</summary>
    private static void WriteField(Span<byte> to, ref int at, ReadOnlySpan<byte> value)
    {
        Utf8Formatter.TryFormat(value.Length, to[at..], out var written);
        at += written;
        to[at++] = (byte)':';
        value.CopyTo(to[at..]);
        at += value.Length;
        to[at++] = (byte)'\n';
    }

    private static void WriteInteger(Span<byte> to, ref int at, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var written);
        WriteField(to, ref at, digits[..written]);
    }

    /// <summary>
    /// "2026-11-28 09:15:02.1234" as stored becomes "2026-11-28T09:15:02.1234000Z" as hashed. Anything not in the stored
    /// shape is refused (the caller reports the entry as changed, as the general walk would after failing to match).
    /// </summary>
    private static bool WriteInstant(Span<byte> to, ref int at, ReadOnlySpan<byte> stored)
    {
        if (stored.Length < 19 || stored[10] != (byte)' ' || stored.Length > 27 || (stored.Length > 19 && stored[19] != (byte)'.')
            || stored.Length == 20)
            return false;
        "28:"u8.CopyTo(to[at..]);
        at += 3;
        stored[..10].CopyTo(to[at..]);
        to[at + 10] = (byte)'T';
        stored[11..19].CopyTo(to[(at + 11)..]);
        to[at + 19] = (byte)'.';
        var fraction = stored.Length > 20 ? stored[20..] : default;
        fraction.CopyTo(to[(at + 20)..]);
        for (var i = fraction.Length; i < 7; i++)
            to[at + 20 + i] = (byte)'0';
        to[at + 27] = (byte)'Z';
        to[at + 28] = (byte)'\n';
        at += 29;
        return true;
    }

    private static void ToHex(ReadOnlySpan<byte> bytes, Span<byte> hex)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        for (var i = 0; i < bytes.Length; i++)
        {
            hex[2 * i] = digits[bytes[i] >> 4];
            hex[2 * i + 1] = digits[bytes[i] & 0xF];
        }
    }
}

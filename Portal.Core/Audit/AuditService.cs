using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Core.Persistence;

namespace Portal.Core.Audit;

/// <summary>What an admin or auditor looks for; every part optional.</summary>
public sealed record AuditQuery(string? Ticket = null, string? User = null, string? Action = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>An entry as the admin page shows it: with the name of the person who acted, when it was a person.</summary>
public sealed record AuditRow(AuditEntry Entry, string? ActorName, string? TicketKey = null);

/// <summary>Reads and verifies the audit trail.</summary>
public sealed class AuditService(IDbContextFactory<DeskDbContext> dbFactory, AuditCheckpoints checkpoints, TimeProvider clock,
    ILogger<AuditService>? log = null)
{
    /// <summary>
    /// Records a refusal: who (a user id, or null when nobody was signed in), what they tried to open or do, why it was
    /// refused, and where from. Nothing changed, so it has a transaction of its own.
    /// </summary>
    public Task RecordDeniedAsync(string? userId, string what, string reason, string? source, CancellationToken ct = default) =>
        RecordAsync(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            ActorKind = userId is null ? AuditActorKind.Api : AuditActorKind.User,
            ActorId = userId,
            Action = "access.denied",
            EntityType = "page",
            EntityId = what.Length > 100 ? what[..100] : what,
            After = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["Reason"] = reason }, AuditJson.Options),
            Source = source,
        }, ct);

    /// <summary>The check an admin runs from the portal: the same walk as <c>audit verify</c>.</summary>
    public Task<AuditVerification> VerifyAsync(Security.Actor actor, CancellationToken ct = default) =>
        actor.CanReadAudit ? VerifyAsync(ct) : throw new Common.DeskForbiddenException("Only admins and auditors verify the audit trail.");

    /// <summary>
    /// Entries matching the query, newest first, a page at a time; admins and auditors only. A ticket is named by its
    /// key (IT-1042) or id; a person by part of their name or email (as actor, or as the record changed); an action by
    /// its start ("ticket.", "signin.", "sla-policy"); dates are whole UTC days, both ends included.
    /// </summary>
    public async Task<Common.PagedResult<AuditRow>> SearchAsync(Security.Actor actor, AuditQuery query, int page = 1, int pageSize = 50,
        CancellationToken ct = default)
    {
        EnsureReader(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var entries = await FilterAsync(db, query, ct);
        var total = await entries.CountAsync(ct);
        pageSize = Math.Clamp(pageSize, 1, 500);
        var items = await entries.OrderByDescending(e => e.Id).Skip((Math.Max(page, 1) - 1) * pageSize).Take(pageSize)
            .Select(e => new AuditRow(e, db.Users.Where(u => u.Id == e.ActorId).Select(u => u.DisplayName).FirstOrDefault(),
                db.Tickets.Where(t => t.Id == e.TicketId).Select(t => t.Key).FirstOrDefault()))
            .ToListAsync(ct);
        return new Common.PagedResult<AuditRow>(items, total, Math.Max(page, 1), pageSize);
    }

    /// <summary>Everything that happened to one ticket, oldest first: its audit timeline. Admins and auditors.</summary>
    public async Task<IReadOnlyList<AuditRow>> TimelineAsync(Security.Actor actor, int ticketId, CancellationToken ct = default)
    {
        EnsureReader(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.AuditEntries.AsNoTracking().Where(e => e.TicketId == ticketId).OrderBy(e => e.Id)
            .Select(e => new AuditRow(e, db.Users.Where(u => u.Id == e.ActorId).Select(u => u.DisplayName).FirstOrDefault(),
                db.Tickets.Where(t => t.Id == e.TicketId).Select(t => t.Key).FirstOrDefault()))
            .ToListAsync(ct);
    }

    /// <summary>Every matching entry, oldest first, for an export: streamed, so a large export does not sit in memory.</summary>
    public async IAsyncEnumerable<AuditRow> ExportAsync(Security.Actor actor, AuditQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        EnsureReader(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var entries = await FilterAsync(db, query, ct);
        await foreach (var row in entries.OrderBy(e => e.Id)
            .Select(e => new AuditRow(e, db.Users.Where(u => u.Id == e.ActorId).Select(u => u.DisplayName).FirstOrDefault(),
                db.Tickets.Where(t => t.Id == e.TicketId).Select(t => t.Key).FirstOrDefault()))
            .AsAsyncEnumerable().WithCancellation(ct))
            yield return row;
    }

    private static void EnsureReader(Security.Actor actor)
    {
        if (!actor.CanReadAudit)
            throw new Common.DeskForbiddenException("Only admins and auditors read the audit trail.");
    }

    private static async Task<IQueryable<AuditEntry>> FilterAsync(DeskDbContext db, AuditQuery query, CancellationToken ct)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Ticket))
        {
            var text = query.Ticket.Trim();
            var ticketId = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : await db.Tickets.Where(t => t.Key == text.ToUpperInvariant()).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct) ?? -1;
            entries = entries.Where(e => e.TicketId == ticketId);
        }

        if (!string.IsNullOrWhiteSpace(query.User))
        {
            var text = query.User.Trim().ToLowerInvariant();
            var ids = await db.Users.Where(u => u.Id == query.User.Trim() || u.DisplayName.ToLower().Contains(text) || u.Email!.ToLower().Contains(text))
                .Select(u => u.Id).Take(50).ToListAsync(ct);
            entries = entries.Where(e => (e.ActorId != null && ids.Contains(e.ActorId))
                || (e.EntityType == "user" && (ids.Contains(e.EntityId) || e.EntityId.Contains(text))));
        }

        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            var action = query.Action.Trim().ToLowerInvariant();
            entries = entries.Where(e => e.Action.StartsWith(action));
        }

        if (query.From is { } from)
        {
            var start = Common.UtcDays.Start(from);
            entries = entries.Where(e => e.At >= start);
        }

        if (query.To is { } to)
        {
            var end = Common.UtcDays.After(to);
            entries = entries.Where(e => e.At < end);
        }

        return entries;
    }

    /// <summary>Appends one entry for an action that is not a ticket change (a sign-in, say), in its own transaction.</summary>
    public async Task RecordAsync(AuditEntry entry, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await AuditTrail.AppendAsync(db, [entry], ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Walks the whole chain in sequence order and names the first entry that was changed, removed, inserted or moved:
    /// on SQLite byte by byte through SQLite's own API (<see cref="AuditFastWalk"/>), elsewhere from a data reader
    /// with one reused entry.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
    {
        var result = await WalkAsync(ct);
        // What an operator must act on: the trail no longer proves itself.
        if (result.Problem is not null)
            log?.LogError("The audit trail does not verify: {Problem} (first bad entry {FirstBadId}, {Checked} entries checked)", result.Problem, result.FirstBadId, result.Checked);
        return result;
    }

    private async Task<AuditVerification> WalkAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT "Id", "At", "ActorKind", "ActorId", "Action", "EntityType", "EntityId", "TicketId", "Before", "After", "Source", "PrevHash", "Hash"
            FROM "AuditEntries" ORDER BY "Id"
            """;
        var watch = Stopwatch.StartNew();
        var marks = checkpoints.Configured ? checkpoints.Read().Select(c => c.Sequence).ToHashSet() : [];
        if (connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            var fast = AuditFastWalk.Run(sqlite, marks, ct);
            return Checked(fast.Checked, fast.HeadId, fast.FirstBadId, fast.Problem, fast.AtMarks);
        }

        var atMarks = new Dictionary<long, string>();
        var walker = new AuditChainWalker();
        var entry = new AuditEntry();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            // SQLite hands instants over as text, PostgreSQL as timestamps.
            var typedInstants = reader.GetFieldType(1) == typeof(DateTime);
            while (await reader.ReadAsync(ct))
            {
                entry.Id = reader.GetInt64(0);
                entry.At = typedInstants
                    ? DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)
                    : DateTime.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
                entry.ActorKind = Enum.TryParse<AuditActorKind>(reader.GetString(2), out var kind) ? kind : (AuditActorKind)(-1);
                entry.ActorId = reader.IsDBNull(3) ? null : reader.GetString(3);
                entry.Action = reader.GetString(4);
                entry.EntityType = reader.GetString(5);
                entry.EntityId = reader.GetString(6);
                entry.TicketId = reader.IsDBNull(7) ? null : reader.GetInt32(7);
                entry.Before = reader.IsDBNull(8) ? null : reader.GetString(8);
                entry.After = reader.IsDBNull(9) ? null : reader.GetString(9);
                entry.Source = reader.IsDBNull(10) ? null : reader.GetString(10);
                entry.PrevHash = reader.GetString(11);
                entry.Hash = reader.GetString(12);
                if (!walker.Next(entry))
                    break;
                if (marks.Contains(entry.Id))
                    atMarks[entry.Id] = entry.Hash;
            }
        }

        return Checked(walker.Checked, walker.HeadId, walker.FirstBadId, walker.Problem, atMarks);

        // The chain's own finding first; then, when it holds, the signed checkpoints against the hashes walked.
        AuditVerification Checked(long count, long headId, long? firstBadId, string? chainProblem, Dictionary<long, string> hashesAtMarks)
        {
            if (chainProblem is not null || !checkpoints.Configured)
                return new AuditVerification(count, firstBadId, chainProblem, watch.Elapsed);
            var problem = checkpoints.Check(hashesAtMarks, headId);
            return new AuditVerification(count, problem is null ? null : headId, problem, watch.Elapsed) { Checkpoints = marks.Count };
        }
    }
}

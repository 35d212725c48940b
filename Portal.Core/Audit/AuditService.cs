using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;

namespace Portal.Core.Audit;

/// <summary>An entry as the admin page shows it: with the name of the person who acted, when it was a person.</summary>
public sealed record AuditRow(AuditEntry Entry, string? ActorName);

/// <summary>Reads and verifies the audit trail.</summary>
public sealed class AuditService(IDbContextFactory<DeskDbContext> dbFactory, AuditCheckpoints checkpoints, TimeProvider clock)
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
            EntityId = what.Length > 400 ? what[..400] : what,
            After = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["Reason"] = reason }, AuditJson.Options),
            Source = source,
        }, ct);

    /// <summary>The check an admin runs from the portal: the same walk as <c>audit verify</c>.</summary>
    public Task<AuditVerification> VerifyAsync(Security.Actor actor, CancellationToken ct = default) =>
        actor.IsAdmin ? VerifyAsync(ct) : throw new Common.DeskForbiddenException("Only admins verify the audit trail.");

    /// <summary>The latest entries, newest first, with the acting person's name, for the admin page; admins only.</summary>
    public async Task<IReadOnlyList<AuditRow>> LatestAsync(Security.Actor actor, int take = 50, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
            throw new Common.DeskForbiddenException("Only admins read the audit trail.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Take(Math.Clamp(take, 1, 500))
            .Select(e => new AuditRow(e, db.Users.Where(u => u.Id == e.ActorId).Select(u => u.DisplayName).FirstOrDefault()))
            .ToListAsync(ct);
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
    /// Walks the whole chain in sequence order, straight from a data reader (no tracking, no per-row objects beyond
    /// one reused entry), and names the first entry that was changed, removed, inserted or moved.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct = default)
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
        var atMarks = new Dictionary<long, string>();
        var walker = new AuditChainWalker();
        var entry = new AuditEntry();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                entry.Id = reader.GetInt64(0);
                entry.At = DateTime.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
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

        if (walker.Problem is not null || !checkpoints.Configured)
            return new AuditVerification(walker.Checked, walker.FirstBadId, walker.Problem, watch.Elapsed);
        var problem = checkpoints.Check(atMarks, walker.HeadId);
        return new AuditVerification(walker.Checked, problem is null ? null : walker.HeadId, problem, watch.Elapsed) { Checkpoints = marks.Count };
    }
}

using Portal.Core.Audit;
using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Core.Persistence;
using Portal.Core.Tickets;

namespace Portal.Core.Persistence;

/// <summary>
/// Writes the audit trail with the changes themselves: every ticket event a unit of work adds (created, reply, note,
/// each field, assignment and status change, watchers, escalations, rule actions, asset links) becomes an audit
/// entry, chained to the last one and inserted on the same connection and transaction as the change, so both commit
/// or neither does. Other actions record theirs through <see cref="AuditService.RecordAsync"/>. Within a transaction
/// the entries wait for its commit (<see cref="CommitWrites"/>), so the chain's lock is taken at the end of the unit of
/// work, held for one insert and the commit, not through all its steps.
/// </summary>
internal sealed class AuditTrail(TimeProvider clock) : SaveChangesInterceptor
{

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Capture(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Capture(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>Notes the audited records' changes before the save, while their old values are still known.</summary>
    private static void Capture(DbContext? context)
    {
        if (context is not DeskDbContext db)
            return;
        db.Saving = true;
        if (db.TracksAuditedRecords)
            db.PendingChanges.AddRange(EntityAudit.Capture(db.ChangeTracker.Entries()));
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        WriteAsync(eventData.Context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        await WriteAsync(eventData.Context, cancellationToken);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>A save that failed wrote nothing; its events are not audited (a retry tracks them anew).</summary>
    private static void Forget(DbContext? context)
    {
        if (context is DeskDbContext db)
        {
            db.Saving = false;
            db.PendingTicketEvents.Clear();
            db.PendingChanges.Clear();
        }
    }

    private async Task WriteAsync(DbContext? context, CancellationToken ct)
    {
        if (context is not DeskDbContext db)
            return;
        db.Saving = false;
        if (db.PendingTicketEvents.Count == 0 && db.PendingChanges.Count == 0)
            return;
        // Only events this save actually wrote: tracked and saved (an event dropped from tracking, as by a retry's Clear, is not).
        var entries = db.PendingTicketEvents.Where(e => e.Id > 0 && db.Entry(e).State == EntityState.Unchanged)
            .Select(e => FromTicketEvent(e, db.Acting)).ToList();
        db.PendingTicketEvents.Clear();
        if (db.PendingChanges.Count > 0)
        {
            var at = entries.Count > 0 ? entries[^1].At : clock.GetUtcNow().UtcDateTime;
            entries.AddRange(db.PendingChanges.Select(c => EntityAudit.ToEntry(c, db.Acting, at)));
            db.PendingChanges.Clear();
        }
        if (entries.Count > 0)
            await AppendAsync(db, entries, ct);
    }

    /// <summary>A ticket event as an entry: the person who acted, or else whatever the unit of work acts for (a sweep, a job).</summary>
    internal static AuditEntry FromTicketEvent(TicketEvent e, AuditActing? acting)
    {
        var entry = FromTicketEvent(e);
        if (e.ActorId is null && e.Kind == TicketEventKind.RuleApplied)
            (entry.ActorKind, entry.ActorId) = (AuditActorKind.Rule, e.Subject);
        else if (e.ActorId is null && acting is { Kind: not AuditActorKind.User })
            (entry.ActorKind, entry.ActorId) = (acting.Kind, acting.Id);
        entry.Source = acting?.Source ?? entry.Source;
        return entry;
    }

    private static AuditEntry FromTicketEvent(TicketEvent e) => new()
    {
        At = e.At,
        ActorKind = e.ActorId is not null ? AuditActorKind.User : AuditActorKind.System,
        ActorId = e.ActorId,
        Action = "ticket." + e.Kind.ToString().ToLowerInvariant(),
        EntityType = "ticket",
        EntityId = e.TicketId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TicketId = e.TicketId,
        Before = e.OldValue is null ? null : JsonSerializer.Serialize(new Dictionary<string, string?> { [e.Subject ?? "value"] = e.OldValue }, AuditJson.Options),
        After = e.NewValue is null && e.Body is null ? null : JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            [e.Subject ?? (e.Body is null ? "value" : "text")] = e.NewValue ?? e.Body,
        }, AuditJson.Options),
        Source = e.IsPublic ? "public" : "internal",
    };

    /// <summary>The advisory lock key that serialises appends to the chain on PostgreSQL.</summary>
    internal const long ChainLock = 0x4175646974; // "Audit"

    /// <summary>
    /// Adds entries to the chain with the context's work: within a transaction at its commit (<see cref="CommitWrites"/>),
    /// otherwise at once (on PostgreSQL in a transaction of their own, for the chain's lock).
    /// </summary>
    internal static async Task AppendAsync(DeskDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            db.PendingAudit.AddRange(entries);
            return;
        }

        if (db.Database.IsPostgres())
        {
            // The chain's lock lasts until a transaction ends: entries without one are appended in a transaction of their own.
            await using var own = await db.Database.BeginTransactionAsync(ct);
            db.PendingAudit.AddRange(entries);
            await own.CommitAsync(ct);
            return;
        }

        await SealAndInsertAsync(db, entries, ct);
    }

    /// <summary>Appends the entries waiting for the commit of the context's transaction, as its last statements.</summary>
    internal static async Task FlushAsync(DeskDbContext db, CancellationToken ct)
    {
        if (db.PendingAudit.Count == 0)
            return;
        var entries = db.PendingAudit.ToList();
        db.PendingAudit.Clear();
        await SealAndInsertAsync(db, entries, ct);
    }

    /// <summary>Seals the entries onto the chain's head and inserts them with the connection's current transaction.</summary>
    private static async Task SealAndInsertAsync(DeskDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        var postgres = db.Database.IsPostgres();
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        if (connection.State != System.Data.ConnectionState.Open)
            await db.Database.OpenConnectionAsync(ct);
        long lastId = 0;
        var prev = AuditChain.Genesis;
        await using (var head = connection.CreateCommand())
        {
            head.Transaction = transaction;
            // SQLite lets one writer in at a time. PostgreSQL lets many, so appenders take the chain's lock first (held
            // until their transaction ends), in the same round trip as the head: each reads the head the one before it
            // committed, and the chain never forks.
            head.CommandText = (postgres ? $"SELECT pg_advisory_xact_lock({ChainLock});\n" : "")
                + """SELECT "Id", "Hash" FROM "AuditEntries" ORDER BY "Id" DESC LIMIT 1""";
            await using var reader = await head.ExecuteReaderAsync(ct);
            if (postgres)
                await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
                (lastId, prev) = (reader.GetInt64(0), reader.GetString(1));
        }

        var rows = new List<object?[]>(entries.Count);
        foreach (var e in entries)
        {
            e.Id = ++lastId;
            // Whole microseconds, which every supported database keeps exactly (PostgreSQL's timestamps hold no finer).
            e.At = new DateTime(e.At.Ticks - e.At.Ticks % 10, DateTimeKind.Utc);
            AuditChain.Seal(e, prev);
            prev = e.Hash;
            rows.Add([e.Id, postgres ? e.At : e.At.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture),
                e.ActorKind.ToString(), e.ActorId, e.Action, e.EntityType, e.EntityId, e.TicketId, e.Before, e.After, e.Source, e.PrevHash, e.Hash]);
        }

        await RowWriter.ExecuteAsync(connection, transaction, $"""
            INSERT INTO "AuditEntries" ("Id", "At", "ActorKind", "ActorId", "Action", "EntityType", "EntityId", "TicketId", "Before", "After", "Source", "PrevHash", "Hash")
            VALUES ({RowWriter.Placeholders(13)})
            """, rows, ct);
    }
}

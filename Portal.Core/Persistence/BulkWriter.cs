using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Core.Escalations;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Persistence;

/// <summary>
/// Writes the rows a batch adds most (history entries, escalation claims, SLA states) and its ticket updates through
/// one statement per table run for every row (<see cref="RowWriter"/>: prepared once on SQLite, sent in batches to
/// PostgreSQL), instead of SaveChanges' general path; everything else is left to SaveChanges. Plain
/// SQL that SQLite and PostgreSQL both accept (the SLA state upsert uses ON CONFLICT). Must run inside the
/// caller's transaction; a unique-key violation surfaces as a DbException and the caller rolls back.
/// </summary>
internal static class BulkWriter
{
    public static async Task FlushAsync(DeskDbContext db, CancellationToken ct)
    {
        db.ChangeTracker.DetectChanges();
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk writes belong inside the batch's transaction.");

        var firings = db.ChangeTracker.Entries<EscalationFiring>().Where(e => e.State == EntityState.Added).ToList();
        await WriteAsync(connection, transaction, """
            INSERT INTO "EscalationFirings" ("TicketId", "LevelId", "Cycle", "DueAt", "FiredAt", "Late") VALUES
            """, "", firings.Select(e => e.Entity).Select(f => new object?[] { f.TicketId, f.LevelId, f.Cycle, f.DueAt, f.FiredAt, f.Late }), ct);

        var events = db.ChangeTracker.Entries<TicketEvent>().Where(e => e.State == EntityState.Added).ToList();
        await WriteAsync(connection, transaction, """
            INSERT INTO "TicketEvents" ("TicketId", "At", "ActorId", "Kind", "IsPublic", "Body", "Subject", "OldValue", "NewValue", "ByAgent",
                "OldStatus", "NewStatus", "OldPriority", "NewPriority") VALUES
            """, "", events.Select(e => e.Entity).Select(e => new object?[]
            {
                e.TicketId, e.At, e.ActorId, e.Kind.ToString(), e.IsPublic, e.Body, e.Subject, e.OldValue, e.NewValue, e.ByAgent,
                e.OldStatus?.ToString(), e.NewStatus?.ToString(), (int?)e.OldPriority, (int?)e.NewPriority,
            }), ct);

        var states = db.ChangeTracker.Entries<TicketSlaState>().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList();
        await WriteAsync(connection, transaction, """
            INSERT INTO "TicketSlaStates" ("TicketId", "Metric", "State", "TargetSeconds", "ElapsedSeconds", "DueAt", "StoppedAt", "BreachedAt", "Warning") VALUES
            """, """
            ON CONFLICT ("TicketId", "Metric") DO UPDATE SET "State" = excluded."State", "TargetSeconds" = excluded."TargetSeconds",
                "ElapsedSeconds" = excluded."ElapsedSeconds", "DueAt" = excluded."DueAt", "StoppedAt" = excluded."StoppedAt",
                "BreachedAt" = excluded."BreachedAt", "Warning" = excluded."Warning"
            """, states.Select(e => e.Entity).Select(s => new object?[]
            {
                s.TicketId, s.Metric.ToString(), s.State.ToString(), s.TargetSeconds, s.ElapsedSeconds, s.DueAt, s.StoppedAt, s.BreachedAt, s.Warning,
            }), ct);

        // The trail, on the batch's transaction: every event (each escalation fired and each of its actions). The SLA
        // states a batch rewrites follow from those events and the policy (recomputable at any time), so they are not
        // written again here: that kept the sweep within its goal (docs/benchmarks.md).
        if (events.Count > 0)
            await Persistence.AuditTrail.AppendAsync(db, events.Select(e => Persistence.AuditTrail.FromTicketEvent(e.Entity, db.Acting)).ToList(), ct);

        foreach (var entry in firings.Cast<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry>().Concat(events).Concat(states))
            entry.State = EntityState.Detached;

        // Ticket rows, guarded by their version as SaveChanges would: a ticket someone changed meanwhile fails the batch.
        // Only the columns that changed are set, so indexes over unchanged columns are left alone; one prepared
        // command serves every row that changed the same columns.
        var tickets = db.ChangeTracker.Entries<Ticket>().Where(e => e.State == EntityState.Modified).ToList();
        var bySignature = new Dictionary<string, List<(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry<Ticket> Entry, List<Microsoft.EntityFrameworkCore.ChangeTracking.PropertyEntry> Changed)>>();
        foreach (var entry in tickets)
        {
            var changed = entry.Properties.Where(p => p.IsModified).ToList();
            if (changed.Count == 0)
            {
                entry.State = EntityState.Unchanged;
                continue;
            }

            var signature = string.Join(",", changed.Select(p => p.Metadata.Name));
            if (!bySignature.TryGetValue(signature, out var group))
                bySignature[signature] = group = [];
            group.Add((entry, changed));
        }

        foreach (var group in bySignature.Values)
        {
            var columns = group[0].Changed;
            var sets = columns.Select((p, i) => $"\"{p.Metadata.GetColumnName()}\" = @p{i}");
            var sql = $"UPDATE \"Tickets\" SET {string.Join(", ", sets)} WHERE \"Id\" = @p{columns.Count} AND \"Version\" = @p{columns.Count + 1}";
            var affected = await RowWriter.ExecuteAsync(connection, transaction, sql, group.Select(g => g.Changed.Select(property =>
            {
                var converter = property.Metadata.GetTypeMapping().Converter;
                return converter is null ? property.CurrentValue : converter.ConvertToProvider(property.CurrentValue);
            }).Append(g.Entry.Entity.Id).Append(g.Entry.OriginalValues.GetValue<int>(nameof(Ticket.Version))).ToArray()), ct);
            for (var i = 0; i < group.Count; i++)
            {
                if (affected[i] != 1)
                    throw new DbUpdateConcurrencyException($"Ticket {group[i].Entry.Entity.Key} was changed by someone else during the sweep.");
                group[i].Entry.State = EntityState.Unchanged;
            }
        }

        // The batch's tickets' reporting facts, in the same transaction (a breach or an escalation changes them).
        await Reporting.FactWriter.RefreshAsync(db, Reporting.FactWriter.TakeIds(db), ct);
    }

    /// <summary>One statement per row (see <see cref="RowWriter"/>).</summary>
    private static async Task WriteAsync(DbConnection connection, DbTransaction transaction, string insert, string suffix,
        IEnumerable<object?[]> rows, CancellationToken ct)
    {
        var list = rows.ToList();
        if (list.Count == 0)
            return;
        var sql = $"{insert.TrimEnd()} ({RowWriter.Placeholders(list[0].Length)}) {suffix}";
        await RowWriter.ExecuteAsync(connection, transaction, sql, list, ct);
    }
}

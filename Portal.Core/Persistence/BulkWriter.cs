using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Core.Escalations;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Persistence;

/// <summary>
/// Writes the rows a batch adds most (history entries, escalation claims, SLA states) through one prepared
/// command per table, instead of one prepared statement per row; everything else is left to SaveChanges. Plain
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
            INSERT INTO "TicketEvents" ("TicketId", "At", "ActorId", "Kind", "IsPublic", "Body", "Subject", "OldValue", "NewValue", "ByAgent") VALUES
            """, "", events.Select(e => e.Entity).Select(e => new object?[]
            {
                e.TicketId, e.At, e.ActorId, e.Kind.ToString(), e.IsPublic, e.Body, e.Subject, e.OldValue, e.NewValue, e.ByAgent,
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

        foreach (var entry in firings.Cast<Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry>().Concat(events).Concat(states))
            entry.State = EntityState.Detached;

        // Ticket rows, guarded by their version as SaveChanges would: a ticket someone changed meanwhile fails the batch.
        var tickets = db.ChangeTracker.Entries<Ticket>().Where(e => e.State == EntityState.Modified).ToList();
        var command = connection.CreateCommand();
        await using (command)
        {
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE "Tickets" SET "Priority" = @p0, "Status" = @p1, "TeamId" = @p2, "AssigneeId" = @p3, "TypeId" = @p4, "EscalationLevel" = @p5,
                    "Version" = @p6, "UpdatedAt" = @p7, "SlaPolicyId" = @p8, "SlaPolicyVersion" = @p9, "SlaNextChangeAt" = @p10, "SlaDueAt" = @p11,
                    "NextEscalationAt" = @p12
                WHERE "Id" = @p13 AND "Version" = @p14
                """;
            for (var i = 0; i <= 14; i++)
            {
                var p = command.CreateParameter();
                p.ParameterName = $"@p{i}";
                command.Parameters.Add(p);
            }

            if (tickets.Count > 0)
                await command.PrepareAsync(ct);
            foreach (var entry in tickets)
            {
                var t = entry.Entity;
                object?[] values =
                [
                    (int)t.Priority, t.Status.ToString(), t.TeamId, t.AssigneeId, t.TypeId, t.EscalationLevel, t.Version, t.UpdatedAt, t.SlaPolicyId,
                    t.SlaPolicyVersion, t.SlaNextChangeAt, t.SlaDueAt, t.NextEscalationAt, t.Id, entry.OriginalValues.GetValue<int>(nameof(Ticket.Version)),
                ];
                for (var i = 0; i < values.Length; i++)
                    command.Parameters[i].Value = values[i] ?? DBNull.Value;
                if (await command.ExecuteNonQueryAsync(ct) != 1)
                    throw new DbUpdateConcurrencyException($"Ticket {t.Key} was changed by someone else during the sweep.");
                entry.State = EntityState.Unchanged;
            }
        }
    }

    /// <summary>One prepared command per table, executed once per row.</summary>
    private static async Task WriteAsync(DbConnection connection, DbTransaction transaction, string insert, string suffix,
        IEnumerable<object?[]> rows, CancellationToken ct)
    {
        DbCommand? command = null;
        try
        {
            foreach (var row in rows)
            {
                if (command is null)
                {
                    command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = $"{insert.TrimEnd()} ({string.Join(", ", Enumerable.Range(0, row.Length).Select(i => $"@p{i}"))}) {suffix}";
                    for (var i = 0; i < row.Length; i++)
                    {
                        var p = command.CreateParameter();
                        p.ParameterName = $"@p{i}";
                        command.Parameters.Add(p);
                    }

                    await command.PrepareAsync(ct);
                }

                for (var i = 0; i < row.Length; i++)
                    command.Parameters[i].Value = row[i] ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            if (command is not null)
                await command.DisposeAsync();
        }
    }
}

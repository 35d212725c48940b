using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Core.Persistence;

namespace Portal.Benchmarks;

/// <summary>
/// dotnet run -c Release --project Portal.Benchmarks -- audit [entries=1000000]: fills a fresh database with a chain of
/// audit entries shaped like ticket changes, then times <see cref="AuditService.VerifyAsync"/> over it (three runs).
/// </summary>
public static class AuditHarness
{
    public static async Task RunAsync(int count)
    {
        using var bench = await BenchDatabase.CreateAsync("internaldesk-audit");
        var fill = Stopwatch.StartNew();
        await using (var db = await bench.Get<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var insert = connection.CreateCommand();
            insert.Transaction = (SqliteTransaction)tx;
            insert.CommandText = """
                INSERT INTO "AuditEntries" ("Id", "At", "ActorKind", "ActorId", "Action", "EntityType", "EntityId", "TicketId", "Before", "After", "Source", "PrevHash", "Hash")
                VALUES ($id, $at, 'User', $actor, $action, 'ticket', $entity, $ticket, $before, $after, 'public', $prev, $hash)
                """;
            string[] names = ["id", "at", "actor", "action", "entity", "ticket", "before", "after", "prev", "hash"];
            var p = names.ToDictionary(n => n, n => insert.Parameters.Add(new SqliteParameter("$" + n, null)));
            string[] actions = ["ticket.reply", "ticket.statuschanged", "ticket.assigneechanged", "ticket.prioritychanged", "ticket.fieldchanged"];
            // The fresh database already holds the entries of its reference data; the harness's continue the chain.
            var prev = AuditChain.Genesis;
            long first = 1;
            await using (var head = connection.CreateCommand())
            {
                head.Transaction = (SqliteTransaction)tx;
                head.CommandText = """SELECT "Id", "Hash" FROM "AuditEntries" ORDER BY "Id" DESC LIMIT 1""";
                await using var reader = await head.ExecuteReaderAsync();
                if (await reader.ReadAsync())
                    (first, prev) = (reader.GetInt64(0) + 1, reader.GetString(1));
            }

            var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var i = first; i < first + count; i++)
            {
                var e = new AuditEntry
                {
                    Id = i, At = start.AddSeconds(i * 30), ActorKind = AuditActorKind.User, ActorId = $"user-{i % 500:D4}-0000-0000-000000000000",
                    Action = actions[i % actions.Length], EntityType = "ticket", EntityId = (i / 7).ToString(CultureInfo.InvariantCulture), TicketId = (int)(i / 7),
                    Before = "{\"Status\":\"Open\"}", After = "{\"Status\":\"In progress\"}", Source = "public",
                };
                AuditChain.Seal(e, prev);
                prev = e.Hash;
                p["id"].Value = e.Id;
                p["at"].Value = e.At.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
                p["actor"].Value = e.ActorId;
                p["action"].Value = e.Action;
                p["entity"].Value = e.EntityId;
                p["ticket"].Value = e.TicketId;
                p["before"].Value = e.Before;
                p["after"].Value = e.After;
                p["prev"].Value = e.PrevHash;
                p["hash"].Value = e.Hash;
                await insert.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }

        Console.WriteLine($"{count:N0} chained entries written in {fill.Elapsed.TotalSeconds:F1} s");
        // SQLite's share: stepping through the same rows and reading every column, with nothing else done.
        await using (var db = await bench.Get<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
        {
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            await connection.OpenAsync();
            for (var run = 1; run <= 2; run++)
            {
                var read = Stopwatch.StartNew();
                SQLitePCL.raw.sqlite3_prepare_v2(connection.Handle!, "SELECT * FROM \"AuditEntries\" ORDER BY \"Id\"", out var statement);
                long rows = 0, bytes = 0;
                while (SQLitePCL.raw.sqlite3_step(statement) == SQLitePCL.raw.SQLITE_ROW)
                {
                    rows++;
                    for (var column = 0; column < 13; column++)
                        bytes += SQLitePCL.raw.sqlite3_column_blob(statement, column).Length;
                }

                SQLitePCL.raw.sqlite3_finalize(statement);
                Console.WriteLine($"reading alone, run {run}: {rows:N0} rows ({bytes / 1e6:N0} MB) in {read.Elapsed.TotalSeconds:F2} s");
            }
        }

        var audit = bench.Get<AuditService>();
        for (var run = 1; run <= 3; run++)
        {
            var result = await audit.VerifyAsync();
            Console.WriteLine($"verify run {run}: {result.Checked:N0} entries in {result.Took.TotalSeconds:F2} s = {result.PerSecond:N0} per second; holds: {result.Holds}");
        }

        await MeasureWritesAsync(bench, 2000);
        var after = await audit.VerifyAsync();
        Console.WriteLine($"after the writes: {after.Checked:N0} entries, holds: {after.Holds}");
    }

    /// <summary>
    /// What the trail adds to a ticket change: the entries of a typical change (a reply, a status change and an SLA
    /// recalculation) appended the way the save interceptor appends them (head read, seal, insert, on the change's own
    /// connection and transaction), timed apart from the change and its commit, on top of the chain above.
    /// </summary>
    private static async Task MeasureWritesAsync(BenchDatabase bench, int changes)
    {
        var factory = bench.Get<IDbContextFactory<DeskDbContext>>();
        var timings = new List<double>(changes);
        for (var i = 0; i < changes + 100; i++)
        {
            await using var db = await factory.CreateDbContextAsync();
            await using var tx = await db.Database.BeginTransactionAsync();
            var at = DateTime.UtcNow;
            AuditEntry Entry(string action, string? before, string? after) => new()
            {
                At = at, ActorKind = AuditActorKind.User, ActorId = "user-0042-0000-0000-000000000000", Action = action, EntityType = "ticket",
                EntityId = (i % 5000).ToString(CultureInfo.InvariantCulture), TicketId = i % 5000, Before = before, After = after, Source = "10.0.0.7",
            };
            List<AuditEntry> entries =
            [
                Entry("ticket.reply", null, "{\"text\":\"Thanks, we are on it: the new laptop is ready for pick-up at the desk.\"}"),
                Entry("ticket.statuschanged", "{\"Status\":\"Open\"}", "{\"Status\":\"Pending requester\"}"),
                Entry("sla.recalculated", "{\"State\":\"Running\",\"DueAt\":\"2026-11-28T15:00:00Z\"}", "{\"State\":\"Paused\",\"DueAt\":null}"),
            ];
            var watch = Stopwatch.StartNew();
            await AuditTrail.AppendAsync(db, entries, CancellationToken.None);
            var took = watch.Elapsed.TotalMilliseconds;
            await tx.CommitAsync();
            if (i >= 100)
                timings.Add(took); // the first hundred warm the code up
        }

        timings.Sort();
        double P(double q) => timings[Math.Min(timings.Count - 1, (int)Math.Ceiling(q * timings.Count) - 1)];
        Console.WriteLine($"writing the entries of one change (3 entries), {changes:N0} changes: p50 {P(0.50):F3} ms, p95 {P(0.95):F3} ms, "
            + $"p99 {P(0.99):F3} ms, max {timings[^1]:F3} ms");
    }
}

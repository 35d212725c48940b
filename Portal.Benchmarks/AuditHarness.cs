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
            insert.CommandText = """
                INSERT INTO "AuditEntries" ("Id", "At", "ActorKind", "ActorId", "Action", "EntityType", "EntityId", "TicketId", "Before", "After", "Source", "PrevHash", "Hash")
                VALUES ($id, $at, 'User', $actor, $action, 'ticket', $entity, $ticket, $before, $after, 'public', $prev, $hash)
                """;
            string[] names = ["id", "at", "actor", "action", "entity", "ticket", "before", "after", "prev", "hash"];
            var p = names.ToDictionary(n => n, n => insert.Parameters.Add(new SqliteParameter("$" + n, null)));
            string[] actions = ["ticket.reply", "ticket.statuschanged", "ticket.assigneechanged", "ticket.prioritychanged", "ticket.fieldchanged"];
            var prev = AuditChain.Genesis;
            var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var i = 1; i <= count; i++)
            {
                var e = new AuditEntry
                {
                    Id = i, At = start.AddSeconds(i * 30), ActorKind = AuditActorKind.User, ActorId = $"user-{i % 500:D4}-0000-0000-000000000000",
                    Action = actions[i % actions.Length], EntityType = "ticket", EntityId = (i / 7).ToString(CultureInfo.InvariantCulture), TicketId = i / 7,
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
        var audit = bench.Get<AuditService>();
        for (var run = 1; run <= 3; run++)
        {
            var result = await audit.VerifyAsync();
            Console.WriteLine($"verify run {run}: {result.Checked:N0} entries in {result.Took.TotalSeconds:F2} s = {result.PerSecond:N0} per second; holds: {result.Holds}");
        }
    }
}

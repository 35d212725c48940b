using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Escalations;
using Portal.Core.Persistence;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Core.Users;

namespace Portal.Benchmarks;

/// <summary>
/// Load harness for the escalation sweep: a desk (SQLite, or PostgreSQL with DESK_BENCH_POSTGRES) with N open tickets (default 1,000,000) of which 1 % have
/// an escalation level due; one sweep claims and fires all of them. Run:
/// dotnet run -c Release --project Portal.Benchmarks -- sweep [tickets]
/// (after a warm-up on 100,000 tickets, whose figures are printed but not the measure)
/// </summary>
public static class SweepHarness
{
    public static async Task RunAsync(int ticketCount)
    {
        // Warm up on a small desk first, as a running server's code is: the first batches of a cold process run
        // unoptimised (tier-0) code and the compiler competes with the sweep for this machine's two cores.
        Console.WriteLine("Warm-up:");
        await RunOnceAsync(100_000);
        Console.WriteLine("Measured:");
        await RunOnceAsync(ticketCount);
    }

    private static async Task RunOnceAsync(int ticketCount)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        using var bench = await BenchDatabase.CreateAsync("internaldesk-sweep-harness", clock);
        var provider = bench.Services;
        var now = clock.GetUtcNow().UtcDateTime;

        var seed = Stopwatch.StartNew();
        await using (var db = await provider.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
        {
            var requester = new DeskUser { UserName = "r@bench.example", Email = "r@bench.example", DisplayName = "R" };
            db.Users.Add(requester);
            var category = new Portal.Core.Departments.Category { DepartmentId = 1, Name = "General" };
            db.Categories.Add(category);
            db.EscalationPaths.Add(new EscalationPathRecord
            {
                Name = "Breach", Levels =
                [
                    new EscalationLevelRecord { Level = 1, Metric = SlaMetric.FirstResponse, Trigger = EscalationTrigger.AtBreach, Actions = new EscalationActions { RaisePriority = true }.Write() },
                ],
            });
            await db.SaveChangesAsync();
            // The default policy and the ordinary request type (not the first row an index hands back: "Complaints" sorts first).
            var policyId = await db.SlaPolicies.Where(p => p.IsDefault).Select(p => p.Id).FirstAsync();
            var typeId = await db.TicketTypes.Where(t => t.Kind == Portal.Core.Departments.TicketKind.Request).Select(t => t.Id).FirstAsync();
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var ticket = BenchDatabase.Command(connection, tx, """
                INSERT INTO "Tickets" ("Id", "DepartmentId", "Number", "Key", "Title", "Description", "CategoryId", "TypeId", "Priority", "Status", "RequesterId",
                                     "CreatedAt", "UpdatedAt", "Version", "SlaPolicyId", "SlaPolicyVersion", "NextEscalationAt", "EscalationLevel")
                VALUES (@id, 1, @id, @k, 'Sweep harness', '', @c, @type, 1, 'Open', @r, @created, @created, 1, @p, 1, @next, 0)
                """, "@id", "@k", "@created", "@next", "@c", "@type", "@r", "@p");
            var ev = BenchDatabase.Command(connection, tx, """
                INSERT INTO "TicketEvents" ("TicketId", "At", "ActorId", "Kind", "IsPublic", "ByAgent") VALUES (@id, @created, @r, 'Created', TRUE, FALSE)
                """, "@id", "@created", "@r");
            (ticket.Parameters[4].Value, ticket.Parameters[5].Value, ticket.Parameters[6].Value, ticket.Parameters[7].Value) = (category.Id, typeId, requester.Id, policyId);
            ev.Parameters[2].Value = requester.Id;
            // As in a running desk, each ticket already has its SLA state from when it was filed.
            var state = BenchDatabase.Command(connection, tx, """
                INSERT INTO "TicketSlaStates" ("TicketId", "Metric", "State", "TargetSeconds", "ElapsedSeconds", "DueAt")
                VALUES (@id, 'FirstResponse', 'Running', 14400, 0, @due), (@id, 'NextResponse', 'Idle', 28800, 0, NULL),
                       (@id, 'Resolution', 'Running', 86400, 0, @resDue)
                """, "@id", "@due", "@resDue");
            for (var i = 1; i <= ticketCount; i++)
            {
                // One in a hundred was created five hours ago: its 4 h first response has breached and its level is due.
                var due = i % 100 == 0;
                var at = due ? now.AddHours(-5) : now.AddMinutes(-(i % 60));
                (ticket.Parameters[0].Value, ticket.Parameters[1].Value, ticket.Parameters[2].Value, ticket.Parameters[3].Value) =
                    (i, $"IT-{i}", at, at.AddHours(4).AddSeconds(1));
                await ticket.ExecuteNonQueryAsync();
                (ev.Parameters[0].Value, ev.Parameters[1].Value) = (i, at);
                await ev.ExecuteNonQueryAsync();
                (state.Parameters[0].Value, state.Parameters[1].Value, state.Parameters[2].Value) = (i, at.AddHours(4), at.AddHours(24));
                await state.ExecuteNonQueryAsync();
            }

            await BenchDatabase.Command(connection, tx, $"UPDATE \"Departments\" SET \"NextTicketNumber\" = {ticketCount + 1} WHERE \"Id\" = 1").ExecuteNonQueryAsync();
            await BenchDatabase.AfterExplicitIdsAsync(connection, tx, "Tickets");
            await tx.CommitAsync();
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }

        Console.WriteLine($"Seeded {ticketCount:N0} open tickets ({ticketCount / 100:N0} due) with history and SLA states in {seed.Elapsed.TotalSeconds:F1} s");
        await using (var db = await provider.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
        {
            var query = Stopwatch.StartNew();
            for (var i = 0; i < 20; i++)
                _ = await db.Tickets.AsNoTracking().Where(t => t.NextEscalationAt != null && t.NextEscalationAt <= now)
                    .OrderBy(t => t.NextEscalationAt).ThenBy(t => t.Id).Select(t => t.Id).Take(500).ToListAsync();
            Console.WriteLine($"Due-batch query (500 of {ticketCount / 100:N0} due): {query.Elapsed.TotalMilliseconds / 20:F2} ms");
        }

        var sweeper = provider.GetRequiredService<EscalationService>();
        var sweep = Stopwatch.StartNew();
        var result = await sweeper.SweepAsync();
        sweep.Stop();
        Console.WriteLine($"Sweep: fired {result.Fired:N0} levels on {result.Tickets:N0} tickets in {sweep.Elapsed.TotalSeconds:F2} s " +
            $"({sweep.Elapsed.TotalMilliseconds / Math.Max(1, result.Fired):F2} ms per level)");
        var again = await sweeper.SweepAsync();
        Console.WriteLine($"Second sweep fired {again.Fired} (exactly once)");
        HarnessFigures.PrintReference();
    }
}

using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Persistence;
using Portal.Core.Sla;
using Portal.Core.Users;

namespace Portal.Benchmarks;

/// <summary>
/// The escalation sweep's question over a SQLite file with 1,000,000 open tickets: which 500 tickets have a next
/// SLA change instant that has passed, earliest first (the indexed SlaNextChangeAt column).
/// </summary>
public class SweepQueryBenchmarks
{
    public const int TicketCount = 1_000_000;

    private BenchDatabase _bench = default!;
    private SlaService _sla = default!;
    private DateTime _now;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _bench = await BenchDatabase.CreateAsync("internaldesk-sweep");
        _sla = _bench.Get<SlaService>();
        _now = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

        await using var db = await _bench.Get<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        var requester = new DeskUser { UserName = "r@bench.example", Email = "r@bench.example", DisplayName = "R" };
        db.Users.Add(requester);
        var category = new Portal.Core.Departments.Category { DepartmentId = 1, Name = "General" };
        db.Categories.Add(category);
        await db.SaveChangesAsync();
        var typeId = await db.TicketTypes.Select(t => t.Id).FirstAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO Tickets (DepartmentId, Number, Key, Title, Description, CategoryId, TypeId, Priority, Status, RequesterId,
                                 CreatedAt, UpdatedAt, Version, SlaPolicyVersion, SlaNextChangeAt)
            VALUES (1, $n, $k, 'Sweep benchmark', '', $c, $type, 1, 'Open', $r, $at, $at, 1, 1, $next)
            """;
        var n = cmd.Parameters.Add(new SqliteParameter("$n", 0));
        var k = cmd.Parameters.Add(new SqliteParameter("$k", ""));
        cmd.Parameters.AddWithValue("$c", category.Id);
        cmd.Parameters.AddWithValue("$type", typeId);
        cmd.Parameters.AddWithValue("$r", requester.Id);
        cmd.Parameters.AddWithValue("$at", _now.AddDays(-10));
        var next = cmd.Parameters.Add(new SqliteParameter("$next", DBNull.Value));
        var rng = new Random(3);
        for (var i = 1; i <= TicketCount; i++)
        {
            n.Value = i;
            k.Value = $"IT-{i}";
            // Most tickets change in the coming weeks; about one in a thousand has a change that is already due.
            next.Value = rng.Next(1000) == 0 ? _now.AddMinutes(-rng.Next(1, 600)) : _now.AddMinutes(rng.Next(1, 60 * 24 * 30));
            await cmd.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync();
    }

    [Benchmark(Description = "Batch of 500 tickets whose next SLA change is due (1,000,000 open)")]
    public Task<IReadOnlyList<int>> DueBatch() => _sla.DueForChangeAsync(_now, 500);

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();
}

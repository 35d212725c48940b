using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Core.Handling;
using Portal.Core.Common;

namespace Portal.Benchmarks;

/// <summary>
/// The agent queue over a SQLite file holding 100,000 tickets in three departments: the first page as an agent
/// opens it, a text search, a filter on assignee, and a deep page.
/// </summary>
[MemoryDiagnoser]
public class QueueBenchmarks
{
    public const int TicketCount = 100_000;

    private BenchDatabase _bench = default!;
    private QueueService _queue = default!;
    private Actor _agent = default!;
    private int _itId;
    private string _assigneeId = "";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _bench = await BenchDatabase.CreateAsync();
        await SeedAsync(_bench.Get<IDbContextFactory<DeskDbContext>>());
        _queue = _bench.Get<QueueService>();
    }

    private async Task SeedAsync(IDbContextFactory<DeskDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        var departments = await db.Departments.OrderBy(d => d.Id).ToListAsync();
        _itId = departments[0].Id;
        var agents = Enumerable.Range(0, 30).Select(i => new DeskUser
        {
            UserName = $"agent{i}@bench.example", Email = $"agent{i}@bench.example", DisplayName = $"Agent {i}", Roles = DeskRole.Agent,
        }).ToList();
        var requesters = Enumerable.Range(0, 2_000).Select(i => new DeskUser
        {
            UserName = $"person{i}@bench.example", Email = $"person{i}@bench.example", DisplayName = $"Person {i}",
        }).ToList();
        foreach (var (agent, i) in agents.Select((a, i) => (a, i)))
            agent.Departments.Add(new DepartmentMember { DepartmentId = departments[i % departments.Count].Id });
        db.Users.AddRange(agents);
        db.Users.AddRange(requesters);
        var categories = departments.Select(d => new Category { DepartmentId = d.Id, Name = "General" }).ToList();
        db.Categories.AddRange(categories);
        await db.SaveChangesAsync();
        _agent = new Actor(agents[0].Id, agents[0].DisplayName, DeskRole.Agent, new HashSet<int> { _itId });
        _assigneeId = agents[3].Id;
        var typeId = await db.TicketTypes.Select(t => t.Id).FirstAsync();

        // Bulk insert through one prepared command: EF change tracking for 100,000 rows would only slow the setup.
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO Tickets (DepartmentId, Number, Key, Title, Description, CategoryId, TypeId, Priority, Status, RequesterId,
                                 AssigneeId, CreatedAt, UpdatedAt, Version, SlaPolicyVersion)
            VALUES ($d, $n, $k, $t, 'Benchmark ticket', $c, $type, $p, $s, $r, $a, $created, $updated, 1, 0)
            """;
        string[] names = ["d", "n", "k", "t", "c", "type", "p", "s", "r", "a", "created", "updated"];
        var p = names.ToDictionary(n => n, n => cmd.Parameters.Add(new SqliteParameter("$" + n, null)));
        var rng = new Random(42);
        var statuses = Enum.GetNames<TicketStatus>();
        var numbers = new int[departments.Count];
        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        string[] words = ["Printer", "VPN", "Laptop", "Payroll", "Door", "Heating", "Access", "Screen", "Email", "Chair"];
        for (var i = 0; i < TicketCount; i++)
        {
            var d = i % departments.Count;
            var number = ++numbers[d];
            var created = start.AddMinutes(rng.Next(0, 60 * 24 * 690));
            var deptAgents = agents.Where((_, j) => j % departments.Count == d).ToList();
            p["d"].Value = departments[d].Id;
            p["n"].Value = number;
            p["k"].Value = $"{departments[d].Code}-{number}";
            p["t"].Value = $"{words[rng.Next(words.Length)]} problem {i}";
            p["c"].Value = categories[d].Id;
            p["type"].Value = typeId;
            p["p"].Value = rng.Next(4);
            p["s"].Value = statuses[rng.Next(10) < 7 ? 6 : rng.Next(statuses.Length)];
            p["r"].Value = requesters[rng.Next(requesters.Count)].Id;
            p["a"].Value = rng.Next(5) == 0 ? DBNull.Value : deptAgents[rng.Next(deptAgents.Count)].Id;
            p["created"].Value = created;
            p["updated"].Value = created.AddMinutes(rng.Next(0, 60 * 24 * 20));
            await cmd.ExecuteNonQueryAsync();
        }

        foreach (var (dept, n) in departments.Zip(numbers))
        {
            var update = connection.CreateCommand();
            update.CommandText = "UPDATE Departments SET NextTicketNumber = $n WHERE Id = $id";
            update.Parameters.AddWithValue("$n", n + 1);
            update.Parameters.AddWithValue("$id", dept.Id);
            await update.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync();
    }

    [Benchmark(Description = "Open tickets, first page, newest update first")]
    public Task<PagedResult<TicketSummary>> FirstPageOpen() =>
        _queue.QueryAsync(_agent, new QueueQuery(_itId, Statuses: QueueQuery.OpenStatuses));

    [Benchmark(Description = "All statuses, first page")]
    public Task<PagedResult<TicketSummary>> FirstPageAll() => _queue.QueryAsync(_agent, new QueueQuery(_itId));

    [Benchmark(Description = "Text search in titles")]
    public Task<PagedResult<TicketSummary>> TextSearch() =>
        _queue.QueryAsync(_agent, new QueueQuery(_itId, Text: "vpn problem 1"));

    [Benchmark(Description = "By number (IT-1042)")]
    public Task<PagedResult<TicketSummary>> ByNumber() => _queue.QueryAsync(_agent, new QueueQuery(_itId, Text: "IT-1042"));

    [Benchmark(Description = "One assignee's open tickets, by priority")]
    public Task<PagedResult<TicketSummary>> Assignee() =>
        _queue.QueryAsync(_agent, new QueueQuery(_itId, Statuses: QueueQuery.OpenStatuses, AssigneeId: _assigneeId, Sort: QueueSort.Priority));

    [Benchmark(Description = "Page 200 of all statuses")]
    public Task<PagedResult<TicketSummary>> DeepPage() => _queue.QueryAsync(_agent, new QueueQuery(_itId, Page: 200));

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();
}

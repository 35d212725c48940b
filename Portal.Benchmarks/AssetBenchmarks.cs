using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Assets;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Core.Common;

namespace Portal.Benchmarks;

/// <summary>
/// The asset list over a SQLite file holding 100,000 assets in three departments, 2,000 people and 30,000 tickets
/// linked to assets: the first page, searches by tag, serial, words and person, and the facilities filters.
/// </summary>
[MemoryDiagnoser]
public class AssetBenchmarks
{
    public const int AssetCount = 100_000;
    public const int LinkedTickets = 30_000;

    private BenchDatabase _bench = default!;
    private AssetService _assets = default!;
    private Actor _agent = default!;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _bench = await BenchDatabase.CreateAsync();
        await SeedAsync(_bench.Get<IDbContextFactory<DeskDbContext>>());
        _assets = _bench.Get<AssetService>();
    }

    private async Task SeedAsync(IDbContextFactory<DeskDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        var departments = await db.Departments.OrderBy(d => d.Id).ToListAsync();
        var agent = new DeskUser { UserName = "agent@bench.example", Email = "agent@bench.example", DisplayName = "Agent", Roles = DeskRole.Agent };
        foreach (var d in departments)
            agent.Departments.Add(new DepartmentMember { DepartmentId = d.Id });
        var people = Enumerable.Range(0, 2_000).Select(i => new DeskUser
        {
            UserName = $"person{i}@bench.example", Email = $"person{i}@bench.example", NormalizedEmail = $"PERSON{i}@BENCH.EXAMPLE",
            DisplayName = $"Person {i}",
        }).ToList();
        db.Users.Add(agent);
        db.Users.AddRange(people);
        var categories = departments.Select(d => new Category { DepartmentId = d.Id, Name = "General" }).ToList();
        db.Categories.AddRange(categories);
        await db.SaveChangesAsync();
        _agent = new Actor(agent.Id, agent.DisplayName, DeskRole.Agent, departments.Select(d => d.Id).ToHashSet());
        var types = await db.AssetTypes.OrderBy(t => t.Id).ToListAsync();
        var ticketType = await db.TicketTypes.Select(t => t.Id).FirstAsync();

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var cmd = connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO Assets (Tag, TagKey, Serial, Name, TypeId, Make, Model, Site, Building, Floor, Room, DepartmentId, AssignedToId,
                                Status, PurchaseDate, WarrantyEnd, Notes, SearchText, CreatedAt, UpdatedAt, Version)
            VALUES ($tag, $tag, $serial, $name, $type, $make, $model, $site, $building, $floor, $room, $d, $person, $status, $bought, $warranty,
                    '', $search, $created, $created, 1)
            """;
        string[] names = ["tag", "serial", "name", "type", "make", "model", "site", "building", "floor", "room", "d", "person", "status", "bought",
            "warranty", "search", "created"];
        var p = names.ToDictionary(n => n, n => cmd.Parameters.Add(new SqliteParameter("$" + n, null)));
        var rng = new Random(42);
        string[] makes = ["Dell", "Lenovo", "Apple", "HP", "Canon", "Jura", "Ford"];
        string[] sites = ["London", "Leeds", "Bristol", "Glasgow", "Cardiff"];
        string[] statuses = ["InUse", "InUse", "InUse", "InStock", "InRepair", "Retired"];
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < AssetCount; i++)
        {
            var make = makes[rng.Next(makes.Length)];
            var model = $"M{rng.Next(100, 999)}";
            var tag = $"AS-{100000 + i}";
            var bought = DateOnly.FromDateTime(start.AddDays(rng.Next(0, 2000)));
            p["tag"].Value = tag;
            p["serial"].Value = $"SN{i:D7}";
            p["name"].Value = $"{make} {model} #{i}";
            p["type"].Value = types[rng.Next(types.Count)].Id;
            p["make"].Value = make;
            p["model"].Value = model;
            p["site"].Value = sites[rng.Next(sites.Length)];
            p["building"].Value = $"Block {rng.Next(1, 6)}";
            p["floor"].Value = rng.Next(0, 8).ToString(System.Globalization.CultureInfo.InvariantCulture);
            p["room"].Value = $"R{rng.Next(1, 60)}";
            p["d"].Value = departments[i % departments.Count].Id;
            p["person"].Value = rng.Next(3) == 0 ? DBNull.Value : people[rng.Next(people.Count)].Id;
            p["status"].Value = statuses[rng.Next(statuses.Length)];
            p["bought"].Value = bought.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            p["warranty"].Value = bought.AddYears(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            p["search"].Value = $"{tag} sn{i:d7} {make} {model} #{i} {make} {model} {p["site"].Value} {p["building"].Value} {p["room"].Value}".ToLowerInvariant();
            p["created"].Value = start;
            await cmd.ExecuteNonQueryAsync();
        }

        var ticket = connection.CreateCommand();
        ticket.CommandText = """
            INSERT INTO Tickets (DepartmentId, Number, Key, Title, Description, CategoryId, TypeId, Priority, Status, RequesterId, CreatedAt, UpdatedAt, Version, SlaPolicyVersion)
            VALUES ($d, $n, $k, 'Broken', 'Benchmark ticket', $c, $type, 1, $s, $r, $created, $created, 1, 0);
            INSERT INTO TicketAssets (TicketId, AssetId, LinkedAt) VALUES (last_insert_rowid(), $asset, $created);
            """;
        string[] ticketNames = ["d", "n", "k", "c", "type", "s", "r", "created", "asset"];
        var t = ticketNames.ToDictionary(n => n, n => ticket.Parameters.Add(new SqliteParameter("$" + n, null)));
        var now = DateTime.UtcNow;
        for (var i = 0; i < LinkedTickets; i++)
        {
            // Assets are spread over departments by id, so asset (i * 3 + d) belongs to department d.
            var d = i % departments.Count;
            t["d"].Value = departments[d].Id;
            t["n"].Value = i + 1;
            t["k"].Value = $"{departments[d].Code}-B{i + 1}";
            t["c"].Value = categories[d].Id;
            t["type"].Value = ticketType;
            t["s"].Value = rng.Next(4) == 0 ? "Open" : "Closed";
            t["r"].Value = people[rng.Next(people.Count)].Id;
            t["created"].Value = now.AddDays(-rng.Next(0, 365));
            t["asset"].Value = 1 + rng.Next(AssetCount / 10) * 3 + d;
            await ticket.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
        var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync();
    }

    [Benchmark(Description = "First page by tag (not retired)")]
    public Task<PagedResult<AssetSummary>> FirstPage() => _assets.QueryAsync(_agent, new AssetQuery());

    [Benchmark(Description = "Exact tag, as scanned")]
    public Task<PagedResult<AssetSummary>> ByTag() => _assets.QueryAsync(_agent, new AssetQuery("as-154321"));

    [Benchmark(Description = "Words in name, make, model or location")]
    public Task<PagedResult<AssetSummary>> Words() => _assets.QueryAsync(_agent, new AssetQuery("lenovo m4"));

    [Benchmark(Description = "A person's name")]
    public Task<PagedResult<AssetSummary>> Person() => _assets.QueryAsync(_agent, new AssetQuery("person 1234"));

    [Benchmark(Description = "Warranty ending within 90 days")]
    public Task<PagedResult<AssetSummary>> Warranty() => _assets.QueryAsync(_agent, new AssetQuery(WarrantyWithinDays: 90));

    [Benchmark(Description = "One site, sorted by location")]
    public Task<PagedResult<AssetSummary>> Site() => _assets.QueryAsync(_agent, new AssetQuery(Site: "Leeds", Sort: AssetSort.Location));

    [Benchmark(Description = "Repeat failures only")]
    public Task<PagedResult<AssetSummary>> RepeatFailures() => _assets.QueryAsync(_agent, new AssetQuery(RepeatFailuresOnly: true));

    [Benchmark(Description = "Page 400, by tag")]
    public Task<PagedResult<AssetSummary>> DeepPage() => _assets.QueryAsync(_agent, new AssetQuery(Page: 400));

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Admin;
using Portal.Core.Persistence;
using Portal.Core.Users;

namespace Portal.Benchmarks;

/// <summary>
/// dotnet run -c Release --project Portal.Benchmarks -- api [tickets=1000000] [creates=10000]: a desk with N tickets
/// (with their history and SLA states) behind a real portal on a loopback port, driven over HTTP with an API token:
/// reading one ticket from 50 concurrent clients, listing a queue page (first and deep cursor pages, filtered), and
/// filing tickets from 20 concurrent clients through the whole pipeline (SLA, audit, facts). Prints p50/p95/p99.
/// The per-token rate limit is lifted for the run (it would otherwise answer 429 after 600 calls a minute).
/// API_HARNESS_PATH=/some/path adds that path, 50 clients back to back, before the reads (to compare a cheap endpoint);
/// HARNESS_SQL=1 prints the statements of the counted calls.
/// </summary>
public static class ApiHarness
{
    public static async Task RunAsync(int ticketCount, int creates)
    {
        var reference = HarnessFigures.PrintReference();
        using var bench = await BenchDatabase.CreateAsync("internaldesk-api-harness");
        var factory = bench.Get<IDbContextFactory<DeskDbContext>>();
        var seed = Stopwatch.StartNew();
        var (agentId, categoryId) = await SeedAsync(factory, ticketCount);
        Console.WriteLine($"Seeded {ticketCount:N0} tickets with history and SLA states on {BenchDatabase.ProviderName} in {seed.Elapsed.TotalSeconds:F0} s");

        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Desk"] = BenchDatabase.Postgres ? bench.File : $"Data Source={bench.File}",
            ["Database:Provider"] = BenchDatabase.Postgres ? "Postgres" : "Sqlite",
            ["Desk:ScheduledJobs"] = "false",
            ["Desk:SeedDemoDataOnFirstStart"] = "false",
            ["Api:RequestsPerMinute"] = "100000000",
        };
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = "Portal", EnvironmentName = "Development", ContentRootPath = Path.GetDirectoryName(bench.File) ?? Path.GetTempPath(),
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddPortalWeb();
        await using var app = builder.Build();
        await app.PreparePortalAsync();
        app.UsePortalWeb();
        await app.StartAsync();
        var baseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var token = (await app.Services.GetRequiredService<ApiTokenService>().CreateAsync(UserAdminService.Console, agentId, "harness",
            [ApiScopes.TicketsRead, ApiScopes.TicketsWrite], 1)).Secret;
        Console.WriteLine($"Portal at {baseUrl}; {Environment.ProcessorCount} cores; .NET {Environment.Version}");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 200, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = new Uri(baseUrl),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        // Reading one ticket by number, 50 clients at once, each a different ticket each time.
        var random = new Random(7);
        // Warm-up long enough for the runtime to finish optimising the hot code (tiered compilation), as in a desk that has run a while.
        await LoadAsync(http, "warm-up", 10, 300, _ => $"/api/v1/tickets/IT-{random.Next(1, ticketCount / 2)}", quiet: true);
        await LoadAsync(http, "warm-up", 10, 50, _ => "/api/v1/tickets?departmentId=1", quiet: true);
        using (var counter = new HarnessFigures.StatementCounter())
        {
            (await http.GetAsync("/api/v1/tickets/IT-123")).Dispose();
            var read = counter.Count;
            (await http.GetAsync("/api/v1/tickets?departmentId=1")).Dispose();
            var list = counter.Count - read;
            (await http.PostAsJsonAsync("/api/v1/tickets", new { departmentId = 1, categoryId, title = "First filing", description = "Not counted." })).Dispose();
            var before = counter.Count;
            (await http.PostAsJsonAsync("/api/v1/tickets", new { departmentId = 1, categoryId, title = "Counted filing", description = "One filing, counted." })).Dispose();
            Console.WriteLine($"Database statements: {read} for reading one ticket, {list} for a list page, {counter.Count - before} for filing one");
        }

        if (Environment.GetEnvironmentVariable("API_HARNESS_PATH") is { Length: > 0 } probe)
            await LoadAsync(http, $"GET {probe}, 50 concurrent clients", 50, 40, _ => probe);
        foreach (var clients in new[] { 1, 10, 20, 50 })
            await LoadAsync(http, $"GET /api/v1/tickets/{{key}}, {clients} concurrent clients", clients, 2000 / clients,
                _ => $"/api/v1/tickets/IT-{Random.Shared.Next(1, ticketCount / 2)}");

        // 50 integrations each reading a ticket five times a second (250 a second offered, well under what the node
        // serves): the latency a client sees when the node is busy but not saturated.
        await LoadAsync(http, "GET /api/v1/tickets/{key}, 50 clients each 5 a second", 50, 40, _ => $"/api/v1/tickets/IT-{Random.Shared.Next(1, ticketCount / 2)}",
            interval: TimeSpan.FromMilliseconds(200));

        // A queue page: the first page of the department (oldest change first, as a sync starts), newest first (as a person
        // looks), open ones only, and deep pages reached by their cursor.
        await LoadAsync(http, "GET /api/v1/tickets?departmentId (first page of 25), 1 client", 1, 200, _ => "/api/v1/tickets?departmentId=1");
        await LoadAsync(http, "GET ...&status=Open&order=newest, 1 client", 1, 200, _ => "/api/v1/tickets?departmentId=1&status=Open&order=newest");
        var cursors = await CursorsAsync(http, 40);
        await LoadAsync(http, "GET ...&cursor= (pages 2 to 41 of a walk), 1 client", 1, cursors.Count, i => "/api/v1/tickets?departmentId=1&cursor=" + Uri.EscapeDataString(cursors[i]));
        await LoadAsync(http, "GET /api/v1/tickets?departmentId (first page), 10 concurrent clients", 10, 50, _ => "/api/v1/tickets?departmentId=1&order=newest");

        // Filing: 20 clients, each its share of the tickets, each a full filing (number, SLA, audit, facts, notifications).
        var failures = 0;
        var latencies = new ConcurrentBag<double>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(async client =>
        {
            for (var i = client; i < creates; i += 20)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync("/api/v1/tickets", new
                {
                    departmentId = 1, categoryId, title = $"Monitoring alert {i}", description = "Disk usage above 95 % on build server.", priority = "High",
                });
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if ((int)response.StatusCode != 201)
                    Interlocked.Increment(ref failures);
            }
        }));
        var seconds = watch.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"POST /api/v1/tickets, {creates:N0} tickets from 20 clients: {seconds:F1} s ({creates / seconds:F0} per second), " +
            $"p50 {P(sorted, 50):F1} ms, p95 {P(sorted, 95):F1} ms, p99 {P(sorted, 99):F1} ms; {failures} not created"));
        await app.StopAsync();
        Console.WriteLine($"Reference (from the start of this run): {reference:F0} ns per ticket");
        HarnessFigures.PrintReference();
    }

    /// <summary>
    /// Each client sends its requests one after another, back to back, or (with <paramref name="interval"/>) one per
    /// interval, the clients' starts spread over the first interval.
    /// </summary>
    private static async Task LoadAsync(HttpClient http, string what, int clients, int perClient, Func<int, string> path, bool quiet = false,
        TimeSpan? interval = null)
    {
        var latencies = new ConcurrentBag<double>();
        var failures = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            for (var i = 0; i < perClient; i++)
            {
                if (interval is { } every)
                {
                    var slot = every * i + every * client / clients;
                    if (slot > watch.Elapsed)
                        await Task.Delay(slot - watch.Elapsed);
                }

                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path(i));
                await response.Content.ReadAsByteArrayAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                    Interlocked.Increment(ref failures);
            }
        }));
        if (quiet)
            return;
        var sorted = latencies.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: {sorted.Length:N0} requests, p50 {P(sorted, 50):F1} ms, p95 {P(sorted, 95):F1} ms, p99 {P(sorted, 99):F1} ms, " +
            $"{sorted.Length / watch.Elapsed.TotalSeconds:F0} per second; {failures} failed"));
    }

    /// <summary>Walks the department's list from its start and returns the cursors of the next pages.</summary>
    private static async Task<List<string>> CursorsAsync(HttpClient http, int pages)
    {
        var cursors = new List<string>();
        string? cursor = null;
        for (var i = 0; i < pages; i++)
        {
            var page = await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/tickets?departmentId=1" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            cursor = page.GetProperty("nextCursor").GetString();
            if (cursor is null)
                break;
            cursors.Add(cursor);
        }

        return cursors;
    }

    private static double P(double[] sorted, int percent) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * percent / 100.0) - 1)];

    /// <summary>N tickets in IT and HR (two to one), each with its Created entry and SLA states, by prepared statements; returns the IT agent and a category.</summary>
    private static async Task<(string AgentId, int CategoryId)> SeedAsync(IDbContextFactory<DeskDbContext> factory, int ticketCount)
    {
        await using var db = await factory.CreateDbContextAsync();
        var requester = new DeskUser
        {
            UserName = "r@bench.example", NormalizedUserName = "R@BENCH.EXAMPLE", Email = "r@bench.example", NormalizedEmail = "R@BENCH.EXAMPLE",
            DisplayName = "Rita Requester", SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        var agent = new DeskUser
        {
            UserName = "a@bench.example", NormalizedUserName = "A@BENCH.EXAMPLE", Email = "a@bench.example", NormalizedEmail = "A@BENCH.EXAMPLE",
            DisplayName = "Ivan Agent", Roles = Portal.Core.Security.DeskRole.Agent, SecurityStamp = Guid.NewGuid().ToString("N"),
        };
        db.Users.AddRange(requester, agent);
        var hr = await db.Departments.Where(d => d.Code == "HR").Select(d => d.Id).FirstOrDefaultAsync();
        if (hr == 0)
        {
            var department = new Portal.Core.Departments.Department { Code = "HR", Name = "HR", NextTicketNumber = 1 };
            db.Departments.Add(department);
            await db.SaveChangesAsync();
            hr = department.Id;
        }

        var itCategory = new Portal.Core.Departments.Category { DepartmentId = 1, Name = "General" };
        var hrCategory = new Portal.Core.Departments.Category { DepartmentId = hr, Name = "General" };
        db.Categories.AddRange(itCategory, hrCategory);
        await db.SaveChangesAsync();
        db.Add(new Portal.Core.Departments.DepartmentMember { UserId = agent.Id, DepartmentId = 1 });
        await db.SaveChangesAsync();
        var policyId = await db.SlaPolicies.Where(p => p.IsDefault).Select(p => p.Id).FirstAsync();
        var typeId = await db.TicketTypes.Where(t => t.Kind == Portal.Core.Departments.TicketKind.Request).Select(t => t.Id).FirstAsync();
        var now = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var ticket = BenchDatabase.Command(connection, tx, """
            INSERT INTO "Tickets" ("Id", "DepartmentId", "Number", "Key", "Title", "Description", "CategoryId", "TypeId", "Priority", "Status", "RequesterId",
                                 "CreatedAt", "UpdatedAt", "Version", "SlaPolicyId", "SlaPolicyVersion", "EscalationLevel")
            VALUES (@id, @d, @n, @k, @title, 'Seeded for the API harness.', @c, @type, 1, @s, @r, @created, @updated, 1, @p, 1, 0)
            """, "@id", "@d", "@n", "@k", "@title", "@c", "@s", "@created", "@updated", "@type", "@r", "@p");
        var ev = BenchDatabase.Command(connection, tx, """
            INSERT INTO "TicketEvents" ("TicketId", "At", "ActorId", "Kind", "IsPublic", "ByAgent") VALUES (@id, @created, @r, 'Created', TRUE, FALSE)
            """, "@id", "@created", "@r");
        var state = BenchDatabase.Command(connection, tx, """
            INSERT INTO "TicketSlaStates" ("TicketId", "Metric", "State", "TargetSeconds", "ElapsedSeconds", "DueAt")
            VALUES (@id, 'FirstResponse', 'Running', 14400, 0, @due), (@id, 'Resolution', 'Running', 86400, 0, @resDue)
            """, "@id", "@due", "@resDue");
        (ticket.Parameters[9].Value, ticket.Parameters[10].Value, ticket.Parameters[11].Value) = (typeId, requester.Id, policyId);
        ev.Parameters[2].Value = requester.Id;
        int itNumber = 0, hrNumber = 0;
        // Both departments have every state (the state goes by i / 3, the department by i % 3).
        string[] statuses = ["Open", "New", "InProgress", "Resolved", "Closed", "Closed"];
        for (var i = 1; i <= ticketCount; i++)
        {
            var it = i % 3 != 0;
            var number = it ? ++itNumber : ++hrNumber;
            var created = now.AddMinutes(-(ticketCount - i));
            (ticket.Parameters[0].Value, ticket.Parameters[1].Value, ticket.Parameters[2].Value, ticket.Parameters[3].Value, ticket.Parameters[4].Value,
                ticket.Parameters[5].Value, ticket.Parameters[6].Value, ticket.Parameters[7].Value, ticket.Parameters[8].Value) =
                (i, it ? 1 : hr, number, $"{(it ? "IT" : "HR")}-{number}", $"Seeded ticket {i}", it ? itCategory.Id : hrCategory.Id, statuses[i / 3 % statuses.Length],
                    created, created.AddMinutes(i % 97));
            await ticket.ExecuteNonQueryAsync();
            (ev.Parameters[0].Value, ev.Parameters[1].Value) = (i, created);
            await ev.ExecuteNonQueryAsync();
            (state.Parameters[0].Value, state.Parameters[1].Value, state.Parameters[2].Value) = (i, created.AddHours(4), created.AddHours(24));
            await state.ExecuteNonQueryAsync();
        }

        await BenchDatabase.Command(connection, tx, $"UPDATE \"Departments\" SET \"NextTicketNumber\" = {itNumber + 1} WHERE \"Id\" = 1").ExecuteNonQueryAsync();
        await BenchDatabase.Command(connection, tx, $"UPDATE \"Departments\" SET \"NextTicketNumber\" = {hrNumber + 1} WHERE \"Id\" = {hr}").ExecuteNonQueryAsync();
        await BenchDatabase.AfterExplicitIdsAsync(connection, tx, "Tickets");
        await tx.CommitAsync();
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
        return (agent.Id, itCategory.Id);
    }
}

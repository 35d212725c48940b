using System.Diagnostics;
using System.Globalization;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Departments;
using Portal.Core.Escalations;
using Portal.Core.Persistence;
using Portal.Core.Reporting;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Core.Handling;

namespace Portal.Benchmarks;

/// <summary>
/// The dashboards' data generator and benchmark. Fills a SQLite desk with N tickets (default 1,000,000) created over
/// the two years before 1 December 2026 across six departments, with their histories (created, first reply,
/// resolution, reopenings), SLA states, escalations fired, and then their reporting facts computed by the app's own
/// rebuild; then measures a department's KPI tiles and the organisation-wide dashboard (p50/p95 of repeated renders).
/// dotnet run -c Release --project Portal.Benchmarks -- reports [tickets] [keep-path]
/// </summary>
public static class ReportHarness
{
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    public static async Task RunAsync(int ticketCount, string? keep)
    {
        var fresh = !await BenchDatabase.ExistsAsync(keep);
        using var bench = await BenchDatabase.CreateAsync("internaldesk-report-harness", new FakeTimeProvider(new DateTimeOffset(Now)), keep);
        var provider = bench.Services;
        var factory = provider.GetRequiredService<IDbContextFactory<DeskDbContext>>();
        if (fresh)
            await GenerateAsync(factory, ticketCount);

        await using (var db = await factory.CreateDbContextAsync())
            Console.WriteLine($"Desk: {await db.Tickets.CountAsync():N0} tickets, {await db.TicketEvents.CountAsync():N0} history entries, " +
                $"{await db.EscalationFirings.CountAsync():N0} escalations, {await db.TicketFacts.CountAsync():N0} facts; {BenchDatabase.ProviderName} database {await bench.SizeMbAsync():N0} MB");

        var dashboards = provider.GetRequiredService<DashboardService>();
        var actors = provider.GetRequiredService<ActorService>();
        string supervisorId, adminId;
        await using (var db = await factory.CreateDbContextAsync())
        {
            supervisorId = await db.Users.Where(u => u.Email == "supervisor1@bench.example").Select(u => u.Id).FirstAsync();
            adminId = await db.Users.Where(u => u.Email == "admin@bench.example").Select(u => u.Id).FirstAsync();
        }

        var supervisor = (await actors.LoadAsync(supervisorId))!;
        var admin = (await actors.LoadAsync(adminId))!;
        var tiles = DashboardService.DefaultFor(supervisor).Widgets.Where(w => w.Kind == WidgetKind.Tile).ToList();
        await MeasureAsync($"A department's KPI tiles ({tiles.Count} tiles, one department of six)", 40, () => dashboards.RenderAsync(supervisor, tiles));
        var org = DashboardService.DefaultFor(admin).Widgets;
        await MeasureAsync($"The organisation-wide dashboard ({org.Count} widgets: tiles, trends, breakdowns, at-risk list)", 20, () => dashboards.RenderAsync(admin, org));
        // REPORT_HARNESS_EACH=1: each widget of the organisation's dashboard on its own, to see where the time goes.
        if (Environment.GetEnvironmentVariable("REPORT_HARNESS_EACH") == "1")
        {
            foreach (var w in org)
                await MeasureAsync($"  {w.Kind} {w.Measure} {w.By}", 5, () => dashboards.RenderAsync(admin, [w]));
        }

        // What keeping the facts and rollups costs a change: an agent's update of one open ticket (priority), whole save.
        var tickets = provider.GetRequiredService<TicketCommands>();
        var reads = provider.GetRequiredService<TicketQueries>();
        List<(int Id, string Agent)> open;
        await using (var db = await factory.CreateDbContextAsync())
            open = (await db.Tickets.AsNoTracking().Where(t => t.DepartmentId == supervisor.DepartmentIds.First() && t.AssigneeId != null
                    && (t.Status == TicketStatus.New || t.Status == TicketStatus.InProgress))
                .OrderByDescending(t => t.Id).Take(200).Select(t => new { t.Id, t.AssigneeId }).ToListAsync())
                .Select(t => (t.Id, t.AssigneeId!)).ToList();
        var saves = new List<double>();
        long statements = 0;
        foreach (var (id, agentId) in open)
        {
            var agent = (await actors.LoadAsync(agentId))!;
            var t = await reads.GetAsync(agent, id);
            var edit = new TicketEdit(t.Status, t.Priority == TicketPriority.High ? TicketPriority.Normal : TicketPriority.High, t.CategoryId, t.TypeId,
                t.Assignee?.Id, t.TeamId, t.Fields.ToDictionary(f => f.FieldId, f => f.Value));
            using var counter = new HarnessFigures.StatementCounter();
            var watch = Stopwatch.StartNew();
            await tickets.UpdateAsync(agent, id, t.Version, edit);
            saves.Add(watch.Elapsed.TotalMilliseconds);
            statements += counter.Count;
        }

        saves.Sort();
        if (saves.Count > 0)
            Console.WriteLine($"An agent's update of one ticket (with its history, SLA, audit entry, facts and rollups): p50 {saves[saves.Count / 2]:F1} ms, " +
                $"p95 {saves[(int)Math.Ceiling(saves.Count * 0.95) - 1]:F1} ms over {saves.Count} tickets, {statements / (double)saves.Count:F1} statements each");

        var reports = provider.GetRequiredService<ReportService>();
        await MeasureAsync("A report: resolution SLA met by department per month, last 12 months, organisation-wide", 5,
            () => reports.RunAsync(admin, new ReportRequest(Measure.ResolutionCompliance, Period.Last12Months, By: Dimension.Department, Trend: Granularity.Month)));
        HarnessFigures.PrintReference();

    }

    private static async Task MeasureAsync<T>(string what, int runs, Func<Task<T>> run)
    {
        await run(); // warm-up: first run compiles the queries
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await run();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        double P(double p) => times[Math.Clamp((int)Math.Ceiling(p * times.Count) - 1, 0, times.Count - 1)];
        Console.WriteLine($"{what}: p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms, max {times[^1]:F1} ms over {runs} runs");
    }

    private static async Task GenerateAsync(IDbContextFactory<DeskDbContext> factory, int ticketCount)
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(20261201);
        int[] departments;
        var agents = new Dictionary<int, string[]>();
        var teams = new Dictionary<int, int[]>();
        var categories = new Dictionary<int, int[]>();
        int[] types;
        int[] levels;
        string requester;
        await using (var db = await factory.CreateDbContextAsync())
        {
            foreach (var (code, name) in new[] { ("FIN", "Finance"), ("LEG", "Legal"), ("SEC", "Security") })
            {
                if (!await db.Departments.AnyAsync(d => d.Code == code))
                    db.Departments.Add(new Department { Code = code, Name = name });
            }

            var user = new DeskUser { UserName = "requester@bench.example", Email = "requester@bench.example", DisplayName = "Bench Requester" };
            db.Users.Add(user);
            db.Users.Add(new DeskUser { UserName = "admin@bench.example", Email = "admin@bench.example", DisplayName = "Bench Admin", Roles = DeskRole.Admin });
            await db.SaveChangesAsync();
            requester = user.Id;
            departments = await db.Departments.OrderBy(d => d.Id).Select(d => d.Id).Take(6).ToArrayAsync();
            foreach (var (d, i) in departments.Select((d, i) => (d, i)))
            {
                var people = Enumerable.Range(1, 10).Select(n => new DeskUser
                {
                    UserName = $"agent{d}-{n}@bench.example", Email = $"agent{d}-{n}@bench.example", DisplayName = $"Agent {d}-{n}", Roles = DeskRole.Agent,
                }).ToList();
                var supervisor = new DeskUser
                {
                    UserName = $"supervisor{i + 1}@bench.example", Email = $"supervisor{i + 1}@bench.example", DisplayName = $"Supervisor {i + 1}", Roles = DeskRole.Supervisor,
                };
                db.Users.AddRange(people);
                db.Users.Add(supervisor);
                db.DepartmentMembers.AddRange(people.Append(supervisor).Select(p => new DepartmentMember { User = p, DepartmentId = d }));
                var deptTeams = new[] { new Team { DepartmentId = d, Name = $"Team A {d}" }, new Team { DepartmentId = d, Name = $"Team B {d}" } };
                db.Teams.AddRange(deptTeams);
                var deptCategories = Enumerable.Range(1, 5).Select(n => new Category { DepartmentId = d, Name = $"Bench category {n}" }).ToList();
                db.Categories.AddRange(deptCategories);
                await db.SaveChangesAsync();
                agents[d] = people.Select(p => p.Id).ToArray();
                teams[d] = deptTeams.Select(t => t.Id).ToArray();
                categories[d] = deptCategories.Select(c => c.Id).ToArray();
            }

            var path = new EscalationPathRecord
            {
                Name = "Bench", Levels =
                [
                    new EscalationLevelRecord { Level = 1, Metric = SlaMetric.Resolution, Trigger = EscalationTrigger.Fraction, Fraction = 0.75m, Actions = new EscalationActions { NotifyAssignee = true }.Write() },
                    new EscalationLevelRecord { Level = 2, Metric = SlaMetric.Resolution, Trigger = EscalationTrigger.AtBreach, Actions = new EscalationActions { NotifyManager = true }.Write() },
                    new EscalationLevelRecord { Level = 3, Metric = SlaMetric.Resolution, Trigger = EscalationTrigger.AfterBreach, OffsetMinutes = 240, Actions = new EscalationActions { RaisePriority = true }.Write() },
                ],
            };
            db.EscalationPaths.Add(path);
            await db.SaveChangesAsync();
            levels = path.Levels.OrderBy(l => l.Level).Select(l => l.Id).ToArray();
            types = await db.TicketTypes.OrderBy(t => t.Id).Select(t => t.Id).ToArrayAsync();
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            var ticket = Command(connection, tx, """
                INSERT INTO "Tickets" ("Id", "DepartmentId", "Number", "Key", "Title", "Description", "CategoryId", "TypeId", "Priority", "Status", "RequesterId", "AssigneeId", "TeamId",
                                     "CreatedAt", "UpdatedAt", "Version", "SlaPolicyVersion", "EscalationLevel", "SlaDueAt")
                VALUES (@id, @dept, @number, @key, @title, '', @category, @type, @priority, @status, @requester, @assignee, @team, @created, @updated, 1, 1, @level, @due)
                """, "@id", "@dept", "@number", "@key", "@title", "@category", "@type", "@priority", "@status", "@requester", "@assignee", "@team", "@created", "@updated", "@level", "@due");
            var ev = Command(connection, tx, """
                INSERT INTO "TicketEvents" ("TicketId", "At", "ActorId", "Kind", "IsPublic", "ByAgent", "Subject", "NewValue", "NewStatus") VALUES (@id, @at, @actor, @kind, TRUE, @agent, @subject, @new, @new)
                """, "@id", "@at", "@actor", "@kind", "@agent", "@subject", "@new");
            var state = Command(connection, tx, """
                INSERT INTO "TicketSlaStates" ("TicketId", "Metric", "State", "TargetSeconds", "ElapsedSeconds", "DueAt", "StoppedAt", "BreachedAt")
                VALUES (@id, @metric, @state, @target, @elapsed, @due, @stopped, @breached)
                """, "@id", "@metric", "@state", "@target", "@elapsed", "@due", "@stopped", "@breached");
            var firing = Command(connection, tx, """
                INSERT INTO "EscalationFirings" ("TicketId", "LevelId", "Cycle", "DueAt", "FiredAt", "Late") VALUES (@id, @level, 0, @at, @at, FALSE)
                """, "@id", "@level", "@at");
            await using var writer = new GeneratorWriter(connection, tx);
            var numbers = departments.ToDictionary(d => d, _ => 0);
            var codes = new Dictionary<int, string>();
            foreach (var d in departments)
                codes[d] = (string)(await BenchDatabase.Command(connection, tx, $"SELECT \"Code\" FROM \"Departments\" WHERE \"Id\" = {d}").ExecuteScalarAsync())!;
            var span = TimeSpan.FromDays(730).TotalSeconds;
            int[] targets = [0, 3600 * 8, 3600 * 4, 3600 * 1]; // first response target by priority (Low has 8 h as Normal)
            // Tickets are numbered in the order they were filed, as in a running desk.
            var createdTimes = Enumerable.Range(0, ticketCount).Select(_ => Now.AddSeconds(-random.NextDouble() * span)).Order().ToArray();
            for (var i = 1; i <= ticketCount; i++)
            {
                // Busier departments first: IT takes a third, the others share the rest.
                var dept = departments[random.NextDouble() < 0.34 ? 0 : 1 + random.Next(departments.Length - 1)];
                var number = ++numbers[dept];
                var created = createdTimes[i - 1];
                var priority = random.NextDouble() switch { < 0.15 => 0, < 0.75 => 1, < 0.95 => 2, _ => 3 };
                var ageDays = (Now - created).TotalDays;
                var open = ageDays < 14 ? random.NextDouble() < 0.4 * (1 - ageDays / 14) : random.NextDouble() < 0.002;
                var answered = !open || random.NextDouble() < 0.6;
                var agent = random.NextDouble() < 0.92 ? agents[dept][random.Next(10)] : null;
                var frTarget = targets[Math.Max(1, priority)];
                var frSeconds = Math.Min(random.NextDouble() * random.NextDouble() * frTarget * 2.2, 7 * 86400);
                var firstAt = created.AddSeconds(frSeconds);
                if (firstAt > Now)
                    (answered, firstAt) = (false, Now);
                var resTarget = frTarget * 6;
                var resSeconds = frSeconds + random.NextDouble() * random.NextDouble() * resTarget * 2.0;
                var resolvedAt = created.AddSeconds(resSeconds);
                if (resolvedAt > Now)
                    open = true;
                var reopened = !open && random.NextDouble() < 0.04;
                var frMissed = answered && frSeconds > frTarget;
                var resMissed = !open && resSeconds > resTarget;
                var resBreachedOpen = open && (Now - created).TotalSeconds > resTarget;
                var level = resMissed || resBreachedOpen ? (random.NextDouble() < 0.3 ? 3 : 2) : random.NextDouble() < 0.1 ? 1 : 0;
                var status = open ? (answered ? "InProgress" : "New") : random.NextDouble() < 0.7 ? "Closed" : "Resolved";

                Set(ticket, i, dept, number, $"{codes[dept]}-{number}", $"Generated request {i}", categories[dept][random.Next(5)],
                    types[random.NextDouble() < 0.03 && types.Length > 1 ? types.Length - 1 : 0], priority, status, requester, (object?)agent ?? DBNull.Value,
                    random.NextDouble() < 0.8 ? teams[dept][random.Next(2)] : DBNull.Value, created, open ? (answered ? firstAt : created) : resolvedAt, level,
                    open ? created.AddSeconds(resTarget) : DBNull.Value);
                await writer.RunAsync(ticket);

                await Event(writer, ev, i, created, requester, "Created", false, null, null);
                if (answered)
                    await Event(writer, ev, i, firstAt, agent ?? agents[dept][0], "Reply", true, null, null);
                if (reopened)
                {
                    var firstResolved = created.AddSeconds(resSeconds * 0.6);
                    await Event(writer, ev, i, firstResolved, agent ?? agents[dept][0], "StatusChanged", true, "Status", "Resolved");
                    await Event(writer, ev, i, created.AddSeconds(resSeconds * 0.7), requester, "Reopened", false, "Status", "Open");
                }

                if (!open)
                    await Event(writer, ev, i, resolvedAt, agent ?? agents[dept][0], "StatusChanged", true, "Status", "Resolved");

                Set(state, i, "FirstResponse", answered ? (frMissed ? "Missed" : "Met") : (Now - created).TotalSeconds > frTarget ? "Breached" : "Running", frTarget,
                    (long)Math.Min(answered ? frSeconds * 0.6 : frTarget, frTarget * 3), created.AddSeconds(frTarget), answered ? firstAt : DBNull.Value,
                    frMissed || (!answered && (Now - created).TotalSeconds > frTarget) ? created.AddSeconds(frTarget) : DBNull.Value);
                await writer.RunAsync(state);
                Set(state, i, "Resolution", open ? (resBreachedOpen ? "Breached" : "Running") : resMissed ? "Missed" : "Met", resTarget,
                    (long)(open ? Math.Min((Now - created).TotalSeconds, resTarget) : resSeconds * 0.6), created.AddSeconds(resTarget),
                    open ? DBNull.Value : resolvedAt, resMissed || resBreachedOpen ? created.AddSeconds(resTarget) : DBNull.Value);
                await writer.RunAsync(state);

                for (var l = 1; l <= level; l++)
                {
                    var at = created.AddSeconds(l == 1 ? resTarget * 0.75 : l == 2 ? resTarget : resTarget + 4 * 3600);
                    if (at > Now)
                        break;
                    Set(firing, i, levels[l - 1], at);
                    await writer.RunAsync(firing);
                }

                if (i % 100_000 == 0)
                    Console.WriteLine($"  {i:N0} tickets in {watch.Elapsed.TotalSeconds:F0} s");
            }

            await writer.FlushAsync();
            foreach (var (d, n) in numbers)
                await BenchDatabase.Command(connection, tx, $"UPDATE \"Departments\" SET \"NextTicketNumber\" = {n + 1} WHERE \"Id\" = {d}").ExecuteNonQueryAsync();
            await BenchDatabase.AfterExplicitIdsAsync(connection, tx, "Tickets");
            await tx.CommitAsync();
        }

        Console.WriteLine($"Generated {ticketCount:N0} tickets with history, SLA states and escalations in {watch.Elapsed.TotalSeconds:F0} s");
        var facts = Stopwatch.StartNew();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
            await FactWriter.RebuildAsync(db, CancellationToken.None);
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }

        Console.WriteLine($"Reporting facts rebuilt from scratch in {facts.Elapsed.TotalSeconds:F0} s");
    }

    private static DbCommand Command(DbConnection connection, DbTransaction tx, string sql, params string[] names) =>
        BenchDatabase.Command(connection, tx, sql, names);

    private static void Set(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
    }

    private static Task Event(GeneratorWriter writer, DbCommand ev, int id, DateTime at, string actor, string kind, bool agent, string? subject, string? value)
    {
        Set(ev, id, at, actor, kind, agent, subject, value);
        return writer.RunAsync(ev);
    }
}

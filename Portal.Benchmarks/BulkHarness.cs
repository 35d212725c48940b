using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Handling;
using Portal.Core.Persistence;
using Portal.Core.Tickets;
using Portal.Core.Users;

namespace Portal.Benchmarks;

/// <summary>
/// dotnet run -c Release --project Portal.Benchmarks -- bulk [tickets=500]: loads the demo organisation with enough tickets,
/// then has an IT agent change the given number of open IT tickets at once (priority and a tag, the queue's bulk change),
/// each through the pipeline, and undo it; the wall time of each, against the goal of under 5 s for 500.
/// </summary>
public static class BulkHarness
{
    public static async Task RunAsync(int count)
    {
        var reference = HarnessFigures.PrintReference();
        using var bench = await BenchDatabase.CreateAsync("internaldesk-bulk");
        var load = Stopwatch.StartNew();
        await bench.Get<DemoData>().LoadAsync();
        Console.WriteLine($"Demo desk loaded on {BenchDatabase.ProviderName} in {load.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores");

        var factory = bench.Get<IDbContextFactory<DeskDbContext>>();
        List<PickedTicket> picked;
        string agentId;
        await using (var db = await factory.CreateDbContextAsync())
        {
            agentId = await db.Users.Where(u => u.Email == "ivan.agent@acme.example").Select(u => u.Id).SingleAsync();
            picked = await db.Tickets.Where(t => t.Department!.Code == "IT" && t.Status != TicketStatus.Closed && t.Status != TicketStatus.Resolved)
                .OrderBy(t => t.Id).Take(count).Select(t => new PickedTicket(t.Id, t.Version)).ToListAsync();
        }

        var actor = (await bench.Get<ActorService>().LoadAsync(agentId))!;
        if (picked.Count < count)
        {
            // Filed through the pipeline as an employee would, into a category without required fields.
            string requesterId;
            int departmentId, categoryId;
            await using (var db = await factory.CreateDbContextAsync())
            {
                requesterId = await db.Users.Where(u => u.Email == "erin.employee@acme.example").Select(u => u.Id).SingleAsync();
                (departmentId, categoryId) = await db.Categories.Where(c => c.Department!.Code == "IT" && c.IsActive && !c.Fields.Any(f => f.Required && f.IsActive))
                    .OrderBy(c => c.Id).Select(c => new ValueTuple<int, int>(c.DepartmentId, c.Id)).FirstAsync();
            }

            var requester = (await bench.Get<ActorService>().LoadAsync(requesterId))!;
            var filing = bench.Get<TicketFiling>();
            var filed = Stopwatch.StartNew();
            var had = picked.Count;
            for (var i = picked.Count; i < count; i++)
            {
                var made = await filing.CreateAsync(requester, new NewTicketInput(departmentId, categoryId, $"Bench request {i}", "Filed for the bulk harness.",
                    new Dictionary<int, string?>(), []));
                picked.Add(new PickedTicket(made.Id, 0));
            }

            await using var read = await factory.CreateDbContextAsync();
            var ids = picked.Select(p => p.Id).ToList();
            var versions = await read.Tickets.Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Version);
            picked = picked.Select(p => p with { Version = versions[p.Id] }).ToList();
            Console.WriteLine($"Filed {count - had} more open IT tickets (besides the demo's {had}) in {filed.Elapsed.TotalSeconds:F1} s");
        }

        var bulk = bench.Get<BulkChanges>();

        var watch = Stopwatch.StartNew();
        var result = await bulk.ApplyAsync(actor, picked, new BulkChange(Priority: TicketPriority.High, AddTags: ["bench-run"]));
        var changed = watch.Elapsed;
        watch.Restart();
        var undone = await bulk.UndoAsync(actor, result.Undo);
        var back = watch.Elapsed;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Bulk change of {picked.Count} tickets (priority and a tag): {changed.TotalSeconds:F2} s, {result.Outcomes.Count(o => o.Applied)} changed, " +
            $"{result.Outcomes.Count(o => !o.Applied)} refused; {changed.TotalMilliseconds / picked.Count:F1} ms a ticket (goal for 500: under 5 s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Undo of it: {back.TotalSeconds:F2} s, {undone.Count(o => o.Applied)} put back"));
        Console.WriteLine($"Reference (from the start of this run): {reference:F0} ns per ticket");
        HarnessFigures.PrintReference();
    }
}

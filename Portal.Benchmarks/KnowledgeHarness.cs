using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Knowledge;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Benchmarks;

/// <summary>
/// dotnet run -c Release --project Portal.Benchmarks -- kb [articles=100000]: fills a fresh database (SQLite, or PostgreSQL
/// with DESK_BENCH_POSTGRES) with published articles of ~180 words drawn from a 6,000-word vocabulary with a Zipf-like
/// spread (a few words everywhere, most rare, as in real text), then times the help centre's search as a requester:
/// two-word queries, one word being typed (a prefix), and a quoted phrase; 500 each after a warm-up. With a keep path (a SQLite
/// file or a PostgreSQL database name) the articles are written once and the next runs search them again.
/// </summary>
public static class KnowledgeHarness
{
    private const int Vocabulary = 6000;

    public static async Task RunAsync(int count, string? keep = null)
    {
        var reference = HarnessFigures.PrintReference();
        using var bench = await BenchDatabase.CreateAsync("internaldesk-kb", keep: keep);
        var words = Words();
        var random = new Random(42);
        string Pick() => words[(int)(Math.Pow(random.NextDouble(), 2.2) * Vocabulary)];
        string Text(int n) => string.Join(' ', Enumerable.Range(0, n).Select(_ => Pick()));

        var factory = bench.Get<IDbContextFactory<DeskDbContext>>();
        string ownerId;
        int[] departments;
        await using (var db = await factory.CreateDbContextAsync())
        {
            ownerId = await db.Users.Select(u => u.Id).FirstOrDefaultAsync() ?? await AddOwnerAsync(db);
            departments = await db.Departments.Select(d => d.Id).ToArrayAsync();
        }

        var fill = Stopwatch.StartNew();
        bool filled;
        await using (var db = await factory.CreateDbContextAsync())
        {
            filled = keep is not null && await db.Articles.AnyAsync();
            if (filled)
                count = await db.Articles.CountAsync();
            else
            {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            var now = DateTime.UtcNow;
            for (var done = 0; done < count;)
            {
                await using var tx = await connection.BeginTransactionAsync();
                var insert = BenchDatabase.Command(connection, tx, """
                    INSERT INTO "Articles" ("DepartmentId", "Title", "Summary", "Body", "SearchText", "Tags", "State", "Visibility", "OwnerId",
                        "CreatedAt", "UpdatedAt", "Revision", "Version")
                    VALUES (@d, @t, @s, @b, @b, @g, 'Published', @v, @o, @at, @at, 1, 1)
                    """, "d", "t", "s", "b", "g", "v", "o", "at");
                for (var i = 0; i < 5000 && done < count; i++, done++)
                {
                    insert.Parameters["d"].Value = departments[done % departments.Length];
                    insert.Parameters["t"].Value = Text(5);
                    insert.Parameters["s"].Value = Text(14);
                    insert.Parameters["b"].Value = Text(160);
                    insert.Parameters["g"].Value = string.Join(",", Enumerable.Range(0, 3).Select(_ => Pick()));
                    insert.Parameters["v"].Value = done % 10 == 0 ? "Staff" : "Everyone";
                    insert.Parameters["o"].Value = ownerId;
                    insert.Parameters["at"].Value = now;
                    await insert.ExecuteNonQueryAsync();
                }

                await tx.CommitAsync();
            }

            await using var tidy = connection.CreateCommand();
            tidy.CommandText = db.Database.IsPostgres() ? "ANALYZE \"Articles\"" : "INSERT INTO ArticleIndex(ArticleIndex) VALUES ('optimize')";
            await tidy.ExecuteNonQueryAsync();
            }
        }

        Console.WriteLine($"{count:N0} articles {(filled ? "kept from an earlier run" : "written and indexed")} on {BenchDatabase.ProviderName} in {fill.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores");
        var kb = bench.Get<KnowledgeService>();
        var requester = new Actor("bench-reader", "Reader", DeskRole.Requester, new HashSet<int>());
        // Words people would type: neither the commonest (in every article) nor the rarest.
        string Word() => words[random.Next(40, 1500)];
        await MeasureAsync("two words", () => $"{Word()} {Word()}");
        await MeasureAsync("one word being typed (a prefix)", () => Word()[..3]);
        await MeasureAsync("a quoted phrase", () => $"\"{Word()} {Word()}\"");
        Console.WriteLine($"Reference (from the start of this run): {reference:F0} ns per ticket");
        HarnessFigures.PrintReference();

        async Task MeasureAsync(string what, Func<string> query)
        {
            for (var i = 0; i < 50; i++)
                await kb.SearchAsync(requester, query());
            var times = new List<double>();
            var found = 0L;
            for (var i = 0; i < 500; i++)
            {
                var q = query();
                var watch = Stopwatch.StartNew();
                found += (await kb.SearchAsync(requester, q)).Count;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Search, {what}: 500 queries, p50 {times[250]:F1} ms, p95 {times[475]:F1} ms, p99 {times[495]:F1} ms, {found / 500.0:F1} hits each (at most 10)"));
        }
    }

    private static async Task<string> AddOwnerAsync(DeskDbContext db)
    {
        var user = new Portal.Core.Users.DeskUser { UserName = "kb@bench", NormalizedUserName = "KB@BENCH", Email = "kb@bench", DisplayName = "Writer",
            SecurityStamp = Guid.NewGuid().ToString("N") };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user.Id;
    }

    /// <summary>6,000 made-up words of two to four syllables, the same in every run.</summary>
    private static string[] Words()
    {
        string[] syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "da", "go", "hu", "ze", "fi", "bo", "ly", "wa", "tre", "sk", "ar",
            "en", "or", "ul", "im", "ex", "qui", "pra", "ston", "mel", "vin"];
        var random = new Random(7);
        var set = new HashSet<string>();
        while (set.Count < Vocabulary)
        {
            var b = new StringBuilder();
            for (var n = random.Next(2, 5); n > 0; n--)
                b.Append(syllables[random.Next(syllables.Length)]);
            set.Add(b.ToString());
        }

        return set.ToArray();
    }
}

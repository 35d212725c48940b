using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Core.Persistence;

namespace Portal.Core.Reporting;

/// <summary>
/// The counting measures of one UTC day, for one department and one group of one dimension ("All" with an empty key
/// for the whole department): what was created, resolved (and of those, reopened before), which targets ended met or
/// missed, and how many breached that day. Kept as tickets change (<see cref="DailyRollups"/>), so a month of an
/// organisation's figures is a few hundred rows instead of tens of thousands of tickets.
/// </summary>
public class DailyRollup
{
    /// <summary>Days since 1970-01-01 (UTC).</summary>
    public int Day { get; set; }
    public int DepartmentId { get; set; }

    /// <summary>"All", or a <see cref="Reporting.Dimension"/> name.</summary>
    public string Dimension { get; set; } = "";

    /// <summary>The group's key in that dimension (<see cref="Breakdowns.KeyOf"/>); empty for "All".</summary>
    public string Key { get; set; } = "";
    public int Created { get; set; }
    public int Resolved { get; set; }
    public int ResolvedReopened { get; set; }
    public int FirstResponseMet { get; set; }
    public int FirstResponseMissed { get; set; }
    public int ResolutionMet { get; set; }
    public int ResolutionMissed { get; set; }
    public int Breaches { get; set; }
}

internal sealed class DailyRollupConfiguration : IEntityTypeConfiguration<DailyRollup>
{
    public void Configure(EntityTypeBuilder<DailyRollup> b)
    {
        b.ToTable("DailyRollups");
        b.HasKey(r => new { r.DepartmentId, r.Dimension, r.Day, r.Key });
        b.Property(r => r.Dimension).HasMaxLength(12);
        b.Property(r => r.Key).HasMaxLength(450);
    }
}

/// <summary>
/// Keeps <see cref="DailyRollup"/> equal to what the facts say. A fact contributes to the day of each thing it counts
/// (created; resolved; its targets ended; each breach) in every dimension; a change to a ticket takes away its old
/// fact's contributions and adds its new one's, in the same transaction. <see cref="RebuildAsync"/> computes them all
/// from scratch, which the tests compare the kept rollups with.
/// </summary>
public static class DailyRollups
{
    public const string All = "All";

    private static readonly Dimension[] Dimensions = Enum.GetValues<Dimension>().Where(d => d != Dimension.Department).ToArray();

    internal enum Counter
    {
        Created,
        Resolved,
        ResolvedReopened,
        FirstResponseMet,
        FirstResponseMissed,
        ResolutionMet,
        ResolutionMissed,
        Breaches,
    }

    private static readonly string[] Columns = Enum.GetNames<Counter>();

    public static int DayOf(DateTime at) => (int)((at.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerDay);

    /// <summary>What one fact counts, by day: the same rules as <see cref="Measures"/> (docs/measures.md).</summary>
    internal static IEnumerable<(int Day, Counter Counter)> Counts(TicketFact f)
    {
        yield return (DayOf(f.CreatedAt), Counter.Created);
        if (f.ResolvedAt is { } resolved)
        {
            yield return (DayOf(resolved), Counter.Resolved);
            if (f.Reopens > 0)
                yield return (DayOf(resolved), Counter.ResolvedReopened);
            if (f.ResolutionState is Sla.SlaState.Met)
                yield return (DayOf(resolved), Counter.ResolutionMet);
            else if (f.ResolutionState is Sla.SlaState.Missed)
                yield return (DayOf(resolved), Counter.ResolutionMissed);
        }

        if (f.FirstResponseAt is { } answered)
        {
            if (f.FirstResponseState is Sla.SlaState.Met)
                yield return (DayOf(answered), Counter.FirstResponseMet);
            else if (f.FirstResponseState is Sla.SlaState.Missed)
                yield return (DayOf(answered), Counter.FirstResponseMissed);
        }

        if (f.FirstResponseBreachedAt is { } b1)
            yield return (DayOf(b1), Counter.Breaches);
        if (f.ResolutionBreachedAt is { } b2)
            yield return (DayOf(b2), Counter.Breaches);
    }

    private readonly record struct RowKey(int Day, int DepartmentId, string Dimension, string Key);

    /// <summary>Adds (sign +1) or takes away (-1) a fact's contributions in every dimension.</summary>
    private static void Add(Dictionary<RowKey, int[]> rows, TicketFact f, int sign)
    {
        foreach (var (day, counter) in Counts(f))
        {
            Bump(rows, new RowKey(day, f.DepartmentId, All, ""), counter, sign);
            foreach (var d in Dimensions)
                Bump(rows, new RowKey(day, f.DepartmentId, d.ToString(), Breakdowns.KeyOf(f, d)), counter, sign);
        }
    }

    private static void Bump(Dictionary<RowKey, int[]> rows, RowKey key, Counter counter, int sign)
    {
        if (!rows.TryGetValue(key, out var counts))
            rows[key] = counts = new int[Columns.Length];
        counts[(int)counter] += sign;
    }

    /// <summary>Moves the rollups from the tickets' old facts to their new ones, on the context's connection and transaction.</summary>
    internal static async Task ApplyAsync(DeskDbContext db, IEnumerable<TicketFact> before, IEnumerable<TicketFact> after, CancellationToken ct)
    {
        var rows = new Dictionary<RowKey, int[]>();
        foreach (var f in before)
            Add(rows, f, -1);
        foreach (var f in after)
            Add(rows, f, +1);
        await WriteAsync(db, rows.Where(r => r.Value.Any(v => v != 0)), ct);
    }

    /// <summary>The rollups of a set of facts, computed from scratch (what <see cref="RebuildAsync"/> writes; the tests compare with it).</summary>
    public static IReadOnlyList<DailyRollup> Compute(IEnumerable<TicketFact> facts)
    {
        var rows = new Dictionary<RowKey, int[]>();
        foreach (var f in facts)
            Add(rows, f, +1);
        return rows.Select(r => ToRow(r.Key, r.Value)).ToList();
    }

    private static DailyRollup ToRow(RowKey k, int[] c) => new()
    {
        Day = k.Day, DepartmentId = k.DepartmentId, Dimension = k.Dimension, Key = k.Key, Created = c[0], Resolved = c[1], ResolvedReopened = c[2],
        FirstResponseMet = c[3], FirstResponseMissed = c[4], ResolutionMet = c[5], ResolutionMissed = c[6], Breaches = c[7],
    };

    /// <summary>Every rollup computed from the facts table from scratch.</summary>
    public static async Task RebuildAsync(DeskDbContext db, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("""DELETE FROM "DailyRollups" """, ct);
        var rows = new Dictionary<RowKey, int[]>();
        await foreach (var f in FactReader.ReadAllAsync(db, ct))
            Add(rows, f, +1);
        await WriteAsync(db, rows, ct);
    }

    private static async Task WriteAsync(DeskDbContext db, IEnumerable<KeyValuePair<RowKey, int[]>> rows, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await db.Database.OpenConnectionAsync(ct);
        var columns = string.Join(", ", Columns.Select(c => $"\"{c}\""));
        var sums = string.Join(", ", Columns.Select(c => $"\"{c}\" = \"DailyRollups\".\"{c}\" + excluded.\"{c}\""));
        var sql = $"""
            INSERT INTO "DailyRollups" ("Day", "DepartmentId", "Dimension", "Key", {columns}) VALUES ({RowWriter.Placeholders(4 + Columns.Length)})
            ON CONFLICT ("DepartmentId", "Dimension", "Day", "Key") DO UPDATE SET {sums}
            """;
        await RowWriter.ExecuteAsync(connection, db.Database.CurrentTransaction?.GetDbTransaction(), sql,
            rows.Select(r => new object?[] { r.Key.Day, r.Key.DepartmentId, r.Key.Dimension, r.Key.Key }.Concat(r.Value.Cast<object?>()).ToArray()), ct);
    }
}

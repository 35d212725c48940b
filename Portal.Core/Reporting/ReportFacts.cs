using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>
/// Reads what the measures work on, for the departments the reader may see: admins and auditors all, agents and
/// supervisors their own; asking for another department's figures is refused. Reads the facts kept with the tickets
/// (<see cref="FactWriter"/>), per department through the index on the resolution instant, and the daily rollups.
/// </summary>
public sealed class ReportFacts(IDbContextFactory<DeskDbContext> dbFactory)
{
    /// <summary>The partial index holding every column of the open tickets' facts.</summary>
    internal const string OpenIndex = "IX_TicketFacts_Open";

    /// <summary>Every ticket that can count in [from, to): created before its end and not resolved before its start.</summary>
    public async Task<IReadOnlyList<TicketFact>> ReadAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, DateTime from, DateTime to,
        CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        // Per department, two ranges of one index: resolved in or after the period, and still open. (A list parameter
        // or a condition on the creation instant would lead SQLite to scan every ticket created before the period's end.)
        var read = new List<TicketFact>();
        foreach (var department in departments)
        {
            read.AddRange(await FactReader.ReadAsync(db, "\"DepartmentId\" = @p0 AND \"ResolvedAt\" >= @p1", [department, FactReader.Millis(from)], ct));
            read.AddRange(await FactReader.ReadAsync(db, "\"DepartmentId\" = @p0 AND \"ResolvedAt\" IS NULL", [department], ct, OpenIndex));
        }

        read.RemoveAll(f => f.CreatedAt >= to);
        return read;
    }

    /// <summary>The tickets open now (what the backlog, workload and at-risk figures of a period ending in the future count).</summary>
    public async Task<IReadOnlyList<TicketFact>> ReadOpenAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var read = new List<TicketFact>();
        foreach (var department in departments)
            read.AddRange(await FactReader.ReadAsync(db, "\"DepartmentId\" = @p0 AND \"ResolvedAt\" IS NULL", [department], ct, OpenIndex));
        return read;
    }

    /// <summary>
    /// Only what a response or resolution time needs of the tickets answered (or resolved) in [from, to): their creation,
    /// that instant and the business time, read from an index that holds them (no other field is filled).
    /// </summary>
    public async Task<IReadOnlyList<TicketFact>> ReadDurationsAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, bool resolution,
        DateTime from, DateTime to, CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var (at, seconds) = resolution ? ("ResolvedAt", "ResolutionBusinessSeconds") : ("FirstResponseAt", "FirstResponseBusinessSeconds");
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        var read = new List<TicketFact>();
        foreach (var department in departments)
        {
            await using var command = connection.CreateCommand();
            // The calendar duration is worked out by the database: two values a row instead of three.
            command.CommandText = $"""
                SELECT "{at}", "{at}" - "CreatedAt", "{seconds}" FROM "TicketFacts" WHERE "DepartmentId" = @d AND "{at}" >= @from AND "{at}" < @to
                """;
            FactReader.Add(command, "@d", department);
            FactReader.Add(command, "@from", FactReader.Millis(from));
            FactReader.Add(command, "@to", FactReader.Millis(to));

            await using var r = await command.ExecuteReaderAsync(ct);
            while (r.Read())
            {
                var instant = UnixMillis.FromMillis(r.GetInt64(0));
                var created = instant.AddTicks(-r.GetInt64(1) * TimeSpan.TicksPerMillisecond);
                long? business = r.IsDBNull(2) ? null : r.GetInt64(2);
                read.Add(resolution
                    ? new TicketFact(0, department, null, null, 0, 0, default, created, null, null, null, null, instant, business, null, null, 0)
                    : new TicketFact(0, department, null, null, 0, 0, default, created, instant, business, null, null, null, null, null, null, 0));
            }
        }

        return read;
    }

    /// <summary>The escalation levels that fired in [from, to) on the departments' tickets, with each ticket's department.</summary>
    public async Task<IReadOnlyList<(FiringFact Firing, int DepartmentId)>> ReadFiringsAsync(Actor actor, IReadOnlyCollection<int>? departmentIds,
        DateTime from, DateTime to, CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var rows = await db.EscalationFirings.Where(f => f.FiredAt >= from && f.FiredAt < to)
            .Join(db.Tickets, f => f.TicketId, t => t.Id, (f, t) => new { f.TicketId, f.LevelId, f.FiredAt, t.DepartmentId })
            .Join(db.EscalationLevels, f => f.LevelId, l => l.Id, (f, l) => new { f.TicketId, l.Level, f.FiredAt, f.DepartmentId })
            .ToListAsync(ct);
        var wanted = departments.ToHashSet();
        return rows.Where(r => wanted.Contains(r.DepartmentId)).Select(r => (new FiringFact(r.TicketId, r.Level, r.FiredAt), r.DepartmentId)).ToList();
    }

    /// <summary>
    /// A response or resolution time's nearest-rank percentile over the tickets answered (or resolved) in [from, to),
    /// worked out by the database (count, then the value at rank ceil(p × count)), so that no row is handed over:
    /// the same definition as <see cref="Measures.Percentile"/>, which the tests compare it with.
    /// </summary>
    public async Task<DurationStats> PercentilesAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, bool resolution, bool business,
        DateTime from, DateTime to, CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        if (departments.Count == 0)
            return new DurationStats(0, null, null);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var (at, seconds) = resolution ? ("ResolvedAt", "ResolutionBusinessSeconds") : ("FirstResponseAt", "FirstResponseBusinessSeconds");
        var value = business ? $"\"{seconds}\" * 1000" : $"\"{at}\" - \"CreatedAt\"";
        var where = $"\"DepartmentId\" IN ({string.Join(", ", departments)}) AND \"{at}\" >= @from AND \"{at}\" < @to"
            + (business ? $" AND \"{seconds}\" IS NOT NULL" : "");
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        async Task<long?> ScalarAsync(string sql, long? offset)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            FactReader.Add(command, "@from", FactReader.Millis(from));
            FactReader.Add(command, "@to", FactReader.Millis(to));
            FactReader.Add(command, "@offset", offset ?? 0);

            return await command.ExecuteScalarAsync(ct) is { } result and not DBNull ? Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture) : null;
        }

        var count = (int)(await ScalarAsync($"SELECT COUNT(*) FROM \"TicketFacts\" WHERE {where}", null) ?? 0);
        if (count == 0)
            return new DurationStats(0, null, null);
        async Task<TimeSpan?> AtRankAsync(double p)
        {
            var rank = Math.Clamp((int)Math.Ceiling(p * count) - 1, 0, count - 1);
            var ms = await ScalarAsync($"SELECT {value} AS v FROM \"TicketFacts\" WHERE {where} ORDER BY v LIMIT 1 OFFSET @offset", rank);
            return ms is { } m ? TimeSpan.FromMilliseconds(m) : null;
        }

        return new DurationStats(count, await AtRankAsync(0.5), await AtRankAsync(0.9));
    }

    /// <summary>
    /// The escalations that fired in the whole UTC days [from, to), counted per level, department and day (each firing
    /// placed at the start of its day): what escalations by level, department and day need, without a row per firing.
    /// </summary>
    public async Task<IReadOnlyList<(FiringFact Firing, int DepartmentId)>> ReadFiringsByDayAsync(Actor actor, IReadOnlyCollection<int>? departmentIds,
        DateTime from, DateTime to, CancellationToken ct = default)
    {
        var departments = (await VisibleDepartmentsAsync(actor, departmentIds, ct)).ToHashSet();
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var counts = await db.EscalationFirings.Where(f => f.FiredAt >= from && f.FiredAt < to)
            .Join(db.Tickets, f => f.TicketId, t => t.Id, (f, t) => new { f.LevelId, Day = f.FiredAt.Date, t.DepartmentId })
            .GroupBy(x => new { x.LevelId, x.Day, x.DepartmentId })
            .Select(g => new { g.Key.LevelId, g.Key.Day, g.Key.DepartmentId, Count = g.Count() })
            .ToListAsync(ct);
        var levels = await db.EscalationLevels.ToDictionaryAsync(l => l.Id, l => l.Level, ct);
        return counts.Where(c => departments.Contains(c.DepartmentId))
            .SelectMany(c => Enumerable.Repeat((new FiringFact(-c.DepartmentId, levels.GetValueOrDefault(c.LevelId),
                DateTime.SpecifyKind(c.Day, DateTimeKind.Utc)), c.DepartmentId), c.Count))
            .ToList();
    }

    /// <summary>The daily rollups of one dimension ("All" or a dimension's name) for days [fromDay, toDay).</summary>
    public async Task<IReadOnlyList<DailyRollup>> ReadRollupsAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, string dimension,
        int fromDay, int toDay, CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var read = new List<DailyRollup>();
        foreach (var department in departments)
            read.AddRange(await db.Set<DailyRollup>().AsNoTracking()
                .Where(r => r.DepartmentId == department && r.Dimension == dimension && r.Day >= fromDay && r.Day < toDay).ToListAsync(ct));
        return read;
    }

    internal async Task<List<int>> VisibleDepartmentsAsync(Actor actor, IReadOnlyCollection<int>? asked, CancellationToken ct)
    {
        Access.RequireReports(actor);
        List<int> visible;
        if (Access.ReadsEveryDepartment(actor))
        {
            await using var db = await dbFactory.CreateForAsync(actor, ct);
            visible = await db.Departments.Select(d => d.Id).ToListAsync(ct);
        }
        else
        {
            visible = actor.DepartmentIds.ToList();
        }

        if (asked is null || asked.Count == 0)
            return visible;
        return asked.All(visible.Contains)
            ? asked.ToList()
            : throw new DeskForbiddenException("You may read the figures of your own departments only.");
    }
}

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
    /// <summary>Every ticket that can count in [from, to): created before its end and not resolved before its start.</summary>
    public async Task<IReadOnlyList<TicketFact>> ReadAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, DateTime from, DateTime to,
        CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Per department, two ranges of one index: resolved in or after the period, and still open. (A list parameter
        // or a condition on the creation instant would lead SQLite to scan every ticket created before the period's end.)
        var read = new List<TicketFact>();
        foreach (var department in departments)
        {
            read.AddRange(await FactReader.ReadAsync(db, "\"DepartmentId\" = @p0 AND \"ResolvedAt\" >= @p1", [department, FactReader.Millis(from)], ct));
            read.AddRange(await FactReader.ReadAsync(db, "\"DepartmentId\" = @p0 AND \"ResolvedAt\" IS NULL", [department], ct));
        }

        read.RemoveAll(f => f.CreatedAt >= to);
        return read;
    }

    /// <summary>The tickets open now (what the backlog, workload and at-risk figures of a period ending in the future count).</summary>
    public async Task<IReadOnlyList<TicketFact>> ReadOpenAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var read = new List<TicketFact>();
        foreach (var department in departments)
            read.AddRange(await FactReader.ReadAsync(db, "\"DepartmentId\" = @p0 AND \"ResolvedAt\" IS NULL", [department], ct));
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
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (at, seconds) = resolution ? ("ResolvedAt", "ResolutionBusinessSeconds") : ("FirstResponseAt", "FirstResponseBusinessSeconds");
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        var read = new List<TicketFact>();
        foreach (var department in departments)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT "CreatedAt", "{at}", "{seconds}" FROM "TicketFacts" WHERE "DepartmentId" = @d AND "{at}" >= @from AND "{at}" < @to
                """;
            foreach (var (name, value) in new (string, object)[] { ("@d", department), ("@from", FactReader.Millis(from)), ("@to", FactReader.Millis(to)) })
            {
                var p = command.CreateParameter();
                (p.ParameterName, p.Value) = (name, value);
                command.Parameters.Add(p);
            }

            await using var r = await command.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var created = UnixMillis.FromMillis(r.GetInt64(0));
                var instant = UnixMillis.FromMillis(r.GetInt64(1));
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
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.EscalationFirings.Where(f => f.FiredAt >= from && f.FiredAt < to)
            .Join(db.Tickets, f => f.TicketId, t => t.Id, (f, t) => new { f.TicketId, f.LevelId, f.FiredAt, t.DepartmentId })
            .Join(db.EscalationLevels, f => f.LevelId, l => l.Id, (f, l) => new { f.TicketId, l.Level, f.FiredAt, f.DepartmentId })
            .ToListAsync(ct);
        var wanted = departments.ToHashSet();
        return rows.Where(r => wanted.Contains(r.DepartmentId)).Select(r => (new FiringFact(r.TicketId, r.Level, r.FiredAt), r.DepartmentId)).ToList();
    }

    /// <summary>The daily rollups of one dimension ("All" or a dimension's name) for days [fromDay, toDay).</summary>
    public async Task<IReadOnlyList<DailyRollup>> ReadRollupsAsync(Actor actor, IReadOnlyCollection<int>? departmentIds, string dimension,
        int fromDay, int toDay, CancellationToken ct = default)
    {
        var departments = await VisibleDepartmentsAsync(actor, departmentIds, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var read = new List<DailyRollup>();
        foreach (var department in departments)
            read.AddRange(await db.Set<DailyRollup>().AsNoTracking()
                .Where(r => r.DepartmentId == department && r.Dimension == dimension && r.Day >= fromDay && r.Day < toDay).ToListAsync(ct));
        return read;
    }

    internal async Task<List<int>> VisibleDepartmentsAsync(Actor actor, IReadOnlyCollection<int>? asked, CancellationToken ct)
    {
        if (!(actor.IsStaff || actor.CanReadAudit))
            throw new DeskForbiddenException("Reports are for agents, supervisors, admins and auditors.");
        List<int> visible;
        if (actor.IsAdmin || actor.CanReadAudit)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
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

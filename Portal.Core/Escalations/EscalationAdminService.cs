using Portal.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Escalations;

public sealed record LevelInput(int Level, SlaMetric Metric, EscalationTrigger Trigger, decimal? Fraction, int? OffsetMinutes, EscalationActions Actions);

public sealed record PathInput(int? Id, string Name, bool IsActive, int? DepartmentId, int? SlaPolicyId, IReadOnlyList<LevelInput> Levels);

public sealed record PathRow(int Id, string Name, bool IsActive, string Scope, int Levels);

public sealed record DryRunMatch(int TicketId, string Key, string Title, int Level, DateTime DueAt);

/// <summary>Admins keep escalation paths; every save is validated whole, and a dry run shows what would fire now.</summary>
public sealed class EscalationAdminService(IDbContextFactory<DeskDbContext> dbFactory, Operations.ConfigurationVersion configuration, SlaService sla,
    TimeProvider clock)
{
    public const int DryRunLimit = 2000;

    public async Task<IReadOnlyList<PathRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var paths = await db.EscalationPaths.AsNoTracking().Include(p => p.Levels).OrderBy(p => p.Name).ToListAsync(ct);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var policies = await db.SlaPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return paths.Select(p => new PathRow(p.Id, p.Name, p.IsActive,
            string.Join(", ", new[]
            {
                p.DepartmentId is { } d ? departments.GetValueOrDefault(d) : null,
                p.SlaPolicyId is { } s ? "policy " + policies.GetValueOrDefault(s) : null,
            }.Where(x => x is not null)) is { Length: > 0 } scope ? scope : "all tickets",
            p.Levels.Count)).ToList();
    }

    public async Task<PathInput> GetAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var p = await db.EscalationPaths.AsNoTracking().Include(x => x.Levels).FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new DeskNotFoundException($"Escalation path {id} does not exist.");
        return new PathInput(p.Id, p.Name, p.IsActive, p.DepartmentId, p.SlaPolicyId, p.Levels.OrderBy(l => l.Level)
            .Select(l => new LevelInput(l.Level, l.Metric, l.Trigger, l.Fraction, l.OffsetMinutes, EscalationActions.Parse(l.Actions))).ToList());
    }

    /// <summary>Saves a path; the result says which open tickets to re-plan (in the background) and how many they are.</summary>
    public async Task<SlaSaveResult> SaveAsync(Actor actor, PathInput input, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        errors.Required(nameof(input.Name), name, "Name");
        errors.MaxLength(nameof(input.Name), name, 100, "Name");
        if (input.Levels.Count == 0)
            errors.Add(nameof(input.Levels), "A path needs at least one level.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (input.DepartmentId is { } dept && !await db.Departments.AnyAsync(d => d.Id == dept, ct))
            errors.Add(nameof(input.DepartmentId), $"Department {dept} does not exist.");
        if (input.SlaPolicyId is { } policy && !await db.SlaPolicies.AnyAsync(p => p.Id == policy, ct))
            errors.Add(nameof(input.SlaPolicyId), $"SLA policy {policy} does not exist.");
        if (await db.EscalationPaths.AnyAsync(p => p.Name == name && p.Id != input.Id, ct))
            errors.Add(nameof(input.Name), $"A path called {name} already exists.");
        for (var i = 0; i < input.Levels.Count; i++)
        {
            var l = input.Levels[i];
            var field = $"Levels[{i}]";
            if (l.Level != i + 1)
                errors.Add($"{field}.Level", $"Levels are numbered 1, 2, 3 in order; level {i + 1} is numbered {l.Level}.");
            if (l.Trigger == EscalationTrigger.Fraction && l.Fraction is not (> 0 and <= 1))
                errors.Add($"{field}.Fraction", $"Level {i + 1}: the fraction must lie in (0, 1], such as 0.75.");
            if (l.Trigger == EscalationTrigger.BeforeDue && l.OffsetMinutes is not > 0)
                errors.Add($"{field}.OffsetMinutes", $"Level {i + 1}: say how many minutes before the due instant (more than 0).");
            if (l.Trigger == EscalationTrigger.AfterBreach && l.OffsetMinutes is not >= 0)
                errors.Add($"{field}.OffsetMinutes", $"Level {i + 1}: say how many minutes after the breach (0 or more).");
            if (l.Actions.IsEmpty)
                errors.Add($"{field}.Actions", $"Level {i + 1} does nothing; choose at least one action.");
            if (l.Actions.AssignTeamId is { } team && !await db.Teams.AnyAsync(t => t.Id == team && (input.DepartmentId == null || t.DepartmentId == input.DepartmentId), ct))
                errors.Add($"{field}.Actions", $"Level {i + 1}: the team to assign is not a team of the path's department.");
        }

        errors.ThrowIfAny();
        EscalationPathRecord record;
        if (input.Id is { } id)
        {
            record = await db.EscalationPaths.Include(p => p.Levels).FirstOrDefaultAsync(p => p.Id == id, ct)
                ?? throw new DeskNotFoundException($"Escalation path {id} does not exist.");
        }
        else
        {
            record = new EscalationPathRecord();
            db.EscalationPaths.Add(record);
        }

        record.Name = name;
        record.IsActive = input.IsActive;
        record.DepartmentId = input.DepartmentId;
        record.SlaPolicyId = input.SlaPolicyId;

        // Levels keep their ids (and so their firings) where the number stays; extra ones go, new ones come.
        foreach (var l in input.Levels)
        {
            var level = record.Levels.FirstOrDefault(x => x.Level == l.Level);
            if (level is null)
            {
                level = new EscalationLevelRecord { Level = l.Level };
                record.Levels.Add(level);
            }

            level.Metric = l.Metric;
            level.Trigger = l.Trigger;
            level.Fraction = l.Trigger == EscalationTrigger.Fraction ? l.Fraction : null;
            level.OffsetMinutes = l.Trigger is EscalationTrigger.BeforeDue or EscalationTrigger.AfterBreach ? l.OffsetMinutes : null;
            level.Actions = l.Actions.Write();
        }

        db.EscalationLevels.RemoveRange(record.Levels.Where(x => x.Level > input.Levels.Count).ToList());
        // The open tickets the path may apply to get their escalation plan again, on the sweeping node.
        var work = new SlaRecompute { RequestedAt = clock.GetUtcNow().UtcDateTime, Reason = $"escalation path {name}", DepartmentId = input.DepartmentId };
        var recomputing = await SlaService.CountAsync(db, work, ct);
        if (recomputing > 0)
            db.SlaRecomputes.Add(work);
        await configuration.SaveEditAsync(db, ct);
        return new SlaSaveResult(record.Id, recomputing);
    }

    /// <summary>The open tickets (up to <see cref="DryRunLimit"/>) whose levels of this saved path are due right now.</summary>
    public async Task<IReadOnlyList<DryRunMatch>> DryRunAsync(Actor actor, int pathId, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var path = await db.EscalationPaths.AsNoTracking().FirstOrDefaultAsync(p => p.Id == pathId, ct)
            ?? throw new DeskNotFoundException($"Escalation path {pathId} does not exist.");
        var query = db.Tickets.Where(t => t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed);
        if (path.DepartmentId is { } d)
            query = query.Where(t => t.DepartmentId == d);
        if (path.SlaPolicyId is { } p)
            query = query.Where(t => t.SlaPolicyId == p);
        var tickets = await query.OrderBy(t => t.Id).Take(DryRunLimit).ToListAsync(ct);
        var now = (clock.GetUtcNow().UtcDateTime - DateTime.UnixEpoch).Ticks;
        var matches = new List<DryRunMatch>();
        foreach (var ticket in tickets)
        {
            // Evaluated in a context that is never saved: a dry run changes nothing.
            var evaluation = await sla.ApplyAsync(db, ticket, ct);
            foreach (var level in evaluation?.Levels.Where(l => l.Path.Id == pathId && l.IsDue(now)) ?? [])
                matches.Add(new DryRunMatch(ticket.Id, ticket.Key, ticket.Title, level.Level.Level, DateTime.UnixEpoch.AddTicks(level.DueAt)));
        }

        return matches;
    }
}

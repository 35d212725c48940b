using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;
using Portal.Core.Tickets;
using Portal.Core.Sla;

namespace Portal.Core.Sla;

/// <summary>A policy ready for the engine: its conditions, compiled targets and compiled calendar.</summary>
public sealed record CompiledPolicy(int Id, string Name, int Order, bool IsDefault, int Version, PolicyConditions Conditions,
    SlaPolicy Policy, int CalendarId, WorkingTimeline Calendar);

/// <summary>
/// The active SLA policies and escalation paths, compiled once and shared until the desk's configuration version moves
/// (an edit on any node; see <see cref="Operations.ConfigurationVersion"/>). Calendars are compiled per version and kept,
/// so a recompute after an edit reuses what did not change.
/// </summary>
public sealed class SlaConfiguration(IDbContextFactory<DeskDbContext> dbFactory, Operations.ConfigurationVersion configuration)
{
    public static readonly string[] PriorityNames = Enum.GetNames<TicketPriority>();

    private static readonly JsonSerializerOptions ConditionJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private readonly ConcurrentDictionary<(int Id, int Version), WorkingTimeline> _timelines = new();
    private sealed record Cached<T>(long Version, IReadOnlyList<T> Items);

    private volatile Cached<CompiledPolicy>? _policies;
    private volatile Cached<Sla.CompiledPath>? _paths;

    /// <summary>The active escalation paths with their levels in order.</summary>
    /// <param name="fresh">Read the configuration version now (a recompute after an edit), not as last read.</param>
    public async Task<IReadOnlyList<Sla.CompiledPath>> GetPathsAsync(CancellationToken ct = default, bool fresh = false)
    {
        var version = await configuration.CurrentAsync(ct, fresh);
        if (_paths is { } cached && cached.Version == version)
            return cached.Items;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var records = await db.EscalationPaths.AsNoTracking().Include(p => p.Levels).Where(p => p.IsActive).OrderBy(p => p.Id).ToListAsync(ct);
        var compiled = records.Select(p => new Sla.CompiledPath(p.Id, p.Name, p.DepartmentId, p.SlaPolicyId,
            p.Levels.OrderBy(l => l.Level).Select(l => new Sla.CompiledLevel(l.Id, l.Level, l.Metric, l.Trigger, l.Fraction, l.OffsetMinutes,
                Sla.EscalationActions.Parse(l.Actions))).ToList())).ToList();
        _paths = new Cached<Sla.CompiledPath>(version, compiled);
        return compiled;
    }

    /// <param name="fresh">Read the configuration version now (a recompute after an edit), not as last read.</param>
    public async Task<IReadOnlyList<CompiledPolicy>> GetAsync(CancellationToken ct = default, bool fresh = false)
    {
        var version = await configuration.CurrentAsync(ct, fresh);
        if (_policies is { } cached && cached.Version == version)
            return cached.Items;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var records = await db.SlaPolicies.AsNoTracking().Include(p => p.Calendar).Where(p => p.IsActive)
            .OrderBy(p => p.IsDefault).ThenBy(p => p.Order).ThenBy(p => p.Id).ToListAsync(ct);
        var compiled = records.Select(Compile).ToList();
        _policies = new Cached<CompiledPolicy>(version, compiled);
        return compiled;
    }

    /// <summary>The first active policy whose conditions match, else the default; null when there is neither.</summary>
    public static CompiledPolicy? Match(IReadOnlyList<CompiledPolicy> policies, TicketFacts facts) =>
        policies.FirstOrDefault(p => !p.IsDefault && p.Conditions.Matches(facts)) ?? policies.FirstOrDefault(p => p.IsDefault);

    public CompiledPolicy Compile(SlaPolicyRecord p)
    {
        var calendar = _timelines.GetOrAdd((p.CalendarId, p.Calendar!.Version), _ => new WorkingTimeline(ParseCalendar(p.Calendar.Definition)));
        return new CompiledPolicy(p.Id, p.Name, p.Order, p.IsDefault, p.Version, ParseConditions(p.Conditions),
            ParsePolicy(p.Targets, p.PauseOn, p.WarnAt, p.CountsAwaitingApproval), p.CalendarId, calendar);
    }

    public static BusinessCalendar ParseCalendar(string json)
    {
        using var doc = Parse(json, "calendar");
        return SlaJson.ParseCalendar(doc.RootElement);
    }

    /// <summary>Targets keyed by the desk's priority names, pausing statuses and thresholds, as stored.</summary>
    public static SlaPolicy ParsePolicy(string targetsJson, string pauseOnJson, string warnAtJson, bool countsAwaitingApproval = false)
    {
        using var targets = Parse(targetsJson, "targets");
        var (priorities, perPriority) = SlaJson.ParseTargets(targets.RootElement);
        foreach (var name in priorities.Where(n => !PriorityNames.Contains(n)))
            throw new SlaInputException($"targets.{name}", $"\"{name}\" is not a priority (expected {string.Join(", ", PriorityNames)})");
        if (perPriority.Values.All(t => t.Count == 0))
            throw new SlaInputException("targets", "defines no target at all; give at least one priority a target");
        using var pause = Parse(pauseOnJson, "pauseOn");
        using var warn = Parse(warnAtJson, "warnAt");
        return new SlaPolicy(PriorityNames, perPriority, SlaJson.ParsePauseOn(pause.RootElement), SlaJson.ParseWarnAt(warn.RootElement),
            countsAwaitingApproval);
    }

    public static PolicyConditions ParseConditions(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PolicyConditions>(json, ConditionJson) ?? new PolicyConditions();
        }
        catch (JsonException ex)
        {
            throw new SlaInputException("conditions", $"are not readable: {ex.Message}");
        }
    }

    public static string WriteConditions(PolicyConditions conditions) => JsonSerializer.Serialize(conditions, ConditionJson);

    private static JsonDocument Parse(string json, string field)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new SlaInputException(field, $"is not valid JSON: {ex.Message}");
        }
    }
}

using Portal.Core.Audit;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Sla;

public sealed record CalendarRow(int Id, string Name, string TimeZone, bool Is24x7, int HolidayCount, int Version);

public sealed record PolicyRow(int Id, string Name, int Order, bool IsDefault, bool IsActive, string CalendarName, int Version, int OpenTickets);

/// <summary>A calendar as the admin form edits it: one text per weekday ("08:00-12:00, 13:00-17:00"), one holiday per line.</summary>
public sealed record CalendarInput(int? Id, string Name, string TimeZone, bool Is24x7, IReadOnlyDictionary<string, string> Week,
    string Holidays, int ExpectedVersion);

/// <summary>A policy as the admin form edits it. Targets: priority name → metric → ISO duration text (empty: no target).</summary>
public sealed record PolicyInput(int? Id, string Name, int CalendarId, int Order, bool IsDefault, bool IsActive, PolicyConditions Conditions,
    IReadOnlyDictionary<string, IReadOnlyDictionary<SlaMetric, string>> Targets, IReadOnlyDictionary<SlaMetric, IReadOnlyCollection<TicketStatus>> PauseOn,
    string WarnAt, int ExpectedVersion, bool CountsAwaitingApproval = false);

/// <summary>What a save changed: the record, and how many open tickets are being recomputed because of it.</summary>
/// <summary>What an edit saved, and how many open tickets the sweeping node now recomputes because of it.</summary>
public sealed record SlaSaveResult(int Id, int Recomputing);

/// <summary>Admins keep calendars and policies; every edit is validated whole before it replaces anything.</summary>
public sealed class SlaAdminService(IDbContextFactory<DeskDbContext> dbFactory, Operations.ConfigurationVersion configuration, TimeProvider clock)
{
    public async Task<(IReadOnlyList<CalendarRow> Calendars, IReadOnlyList<PolicyRow> Policies)> ListAsync(Actor actor, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var calendars = (await db.SlaCalendars.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct)).Select(c =>
        {
            var def = SlaConfiguration.ParseCalendar(c.Definition);
            return new CalendarRow(c.Id, c.Name, def.Zone.Id, def.Is24x7, def.Holidays.Count + def.RecurringHolidays.Count, c.Version);
        }).ToList();
        var policies = await db.SlaPolicies.AsNoTracking().OrderBy(p => p.IsDefault).ThenBy(p => p.Order).ThenBy(p => p.Id)
            .Select(p => new PolicyRow(p.Id, p.Name, p.Order, p.IsDefault, p.IsActive, p.Calendar!.Name, p.Version,
                db.Tickets.Count(t => t.SlaPolicyId == p.Id && t.Status != TicketStatus.Closed)))
            .ToListAsync(ct);
        return (calendars, policies);
    }

    public async Task<CalendarInput> GetCalendarAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var c = await db.SlaCalendars.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new DeskNotFoundException($"Calendar {id} does not exist.");
        var def = SlaConfiguration.ParseCalendar(c.Definition);
        var week = SlaJson.Weekdays.ToDictionary(d => d.Key, d => def.Week is not null && def.Week.TryGetValue(d.Value, out var segs)
            ? string.Join(", ", segs.Select(s => s.ToString())) : "");
        using var doc = JsonDocument.Parse(c.Definition);
        var holidays = doc.RootElement.TryGetProperty("holidays", out var h) ? string.Join("\n", h.EnumerateArray().Select(x => x.GetString())) : "";
        return new CalendarInput(c.Id, c.Name, def.Zone.Id, def.Is24x7, week, holidays, c.Version);
    }

    /// <summary>The calendar object of the SLA contract for this input; throws naming the form field.</summary>
    public static string CalendarJson(CalendarInput input)
    {
        var root = new JsonObject { ["timeZone"] = input.TimeZone?.Trim() ?? "" };
        if (!input.Is24x7)
        {
            var week = new JsonObject();
            foreach (var (day, text) in input.Week)
            {
                var segments = (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (segments.Length > 0)
                    week[day] = new JsonArray(segments.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
            }

            root["week"] = week;
        }

        var holidays = (input.Holidays ?? "").Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2)[0]).Distinct().Order().ToArray();
        if (holidays.Length > 0)
            root["holidays"] = new JsonArray(holidays.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray());
        var json = root.ToJsonString();
        try
        {
            SlaConfiguration.ParseCalendar(json);
        }
        catch (SlaInputException ex)
        {
            throw new DeskValidationException(FormField(ex.Field), ex.Problem);
        }

        return json;
    }

    private static string FormField(string field) => field switch
    {
        "calendar.timeZone" => nameof(CalendarInput.TimeZone),
        "calendar.week" => nameof(CalendarInput.Week),
        _ when field.StartsWith("calendar.week.", StringComparison.Ordinal) => "Week." + field["calendar.week.".Length..].Split('[')[0],
        _ when field.StartsWith("calendar.holidays", StringComparison.Ordinal) => nameof(CalendarInput.Holidays),
        _ => field,
    };

    public async Task<SlaSaveResult> SaveCalendarAsync(Actor actor, CalendarInput input, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        errors.Required(nameof(input.Name), name, "Name");
        errors.MaxLength(nameof(input.Name), name, 100, "Name");
        errors.ThrowIfAny();
        var json = CalendarJson(input);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (await db.SlaCalendars.AnyAsync(c => c.Name == name && c.Id != input.Id, ct))
            throw new DeskValidationException(nameof(input.Name), $"A calendar called {name} already exists.");
        SlaCalendarRecord record;
        if (input.Id is { } id)
        {
            record = await db.SlaCalendars.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new DeskNotFoundException($"Calendar {id} does not exist.");
            if (record.Version != input.ExpectedVersion)
                throw new DeskConflictException($"Calendar {record.Name} was changed by someone else since you opened it; reload it and apply your change again.");
            record.Version++;
        }
        else
        {
            record = new SlaCalendarRecord();
            db.SlaCalendars.Add(record);
        }

        record.Name = name;
        record.Definition = json;
        record.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        // The open tickets under the policies that count in this calendar are recomputed (a new calendar has none yet).
        var policyIds = input.Id is { } calendarId
            ? await db.SlaPolicies.Where(p => p.CalendarId == calendarId).Select(p => p.Id).ToListAsync(ct)
            : [];
        var recomputing = await RecomputeAfterAsync(db, $"calendar {name}", policyIds.Count == 0 ? null : string.Join(",", policyIds), ct);
        await SaveAsync(db, ct);
        return new SlaSaveResult(record.Id, recomputing);
    }

    public async Task<PolicyInput> GetPolicyAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var p = await db.SlaPolicies.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new DeskNotFoundException($"Policy {id} does not exist.");
        var targets = new Dictionary<string, IReadOnlyDictionary<SlaMetric, string>>();
        using (var doc = JsonDocument.Parse(p.Targets))
        {
            foreach (var priority in SlaConfiguration.PriorityNames)
            {
                var row = new Dictionary<SlaMetric, string>();
                if (doc.RootElement.TryGetProperty(priority, out var perMetric))
                    foreach (var m in perMetric.EnumerateObject())
                        if (SlaMetrics.TryParse(m.Name, out var metric))
                            row[metric] = m.Value.GetString() ?? "";
                targets[priority] = row;
            }
        }

        using var pause = JsonDocument.Parse(p.PauseOn);
        var pauseOn = SlaJson.ParsePauseOn(pause.RootElement);
        using var warn = JsonDocument.Parse(p.WarnAt);
        var warnAt = string.Join(", ", SlaJson.ParseWarnAt(warn.RootElement).Select(w => w.Text));
        return new PolicyInput(p.Id, p.Name, p.CalendarId, p.Order, p.IsDefault, p.IsActive, SlaConfiguration.ParseConditions(p.Conditions),
            targets, pauseOn.ToDictionary(k => k.Key, k => k.Value), warnAt, p.Version, p.CountsAwaitingApproval);
    }

    /// <summary>The stored JSON of a policy input, validated whole; errors name the form field ("Targets.High.resolution", ...).</summary>
    public static (string Targets, string PauseOn, string WarnAt) PolicyJson(PolicyInput input)
    {
        var targets = new JsonObject();
        foreach (var priority in SlaConfiguration.PriorityNames)
        {
            var row = new JsonObject();
            if (input.Targets.TryGetValue(priority, out var perMetric))
                foreach (var (metric, text) in perMetric.OrderBy(k => k.Key))
                    if (!string.IsNullOrWhiteSpace(text))
                        row[SlaMetrics.Name(metric)] = text.Trim().ToUpperInvariant();
            targets[priority] = row;
        }

        var pause = new JsonObject();
        foreach (var (metric, statuses) in input.PauseOn.OrderBy(k => k.Key))
            if (statuses.Count > 0)
                pause[SlaMetrics.Name(metric)] = new JsonArray(statuses.Distinct().Order().Select(s => (JsonNode)JsonValue.Create(s.ToString())!).ToArray());
        var warnItems = (input.WarnAt ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries);
        var warn = "[" + string.Join(",", warnItems) + "]";
        var result = (targets.ToJsonString(), pause.ToJsonString(), warn);
        try
        {
            using var check = JsonDocument.Parse(warn);
            SlaConfiguration.ParsePolicy(result.Item1, result.Item2, warn);
        }
        catch (JsonException)
        {
            throw new DeskValidationException(nameof(PolicyInput.WarnAt), $"\"{input.WarnAt}\" is not a list of fractions such as 0.75, 0.9");
        }
        catch (SlaInputException ex)
        {
            var field = ex.Field.StartsWith("targets", StringComparison.Ordinal) ? "Targets" + ex.Field["targets".Length..]
                : ex.Field.StartsWith("warnAt", StringComparison.Ordinal) ? nameof(PolicyInput.WarnAt)
                : ex.Field.StartsWith("pauseOn", StringComparison.Ordinal) ? nameof(PolicyInput.PauseOn)
                : ex.Field;
            throw new DeskValidationException(field, ex.Problem);
        }

        return result;
    }

    public async Task<SlaSaveResult> SavePolicyAsync(Actor actor, PolicyInput input, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        errors.Required(nameof(input.Name), name, "Name");
        errors.MaxLength(nameof(input.Name), name, 100, "Name");
        errors.ThrowIfAny();
        var (targets, pauseOn, warnAt) = PolicyJson(input);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (!await db.SlaCalendars.AnyAsync(c => c.Id == input.CalendarId, ct))
            throw new DeskValidationException(nameof(input.CalendarId), "Choose the calendar this policy counts time in.");
        if (await db.SlaPolicies.AnyAsync(p => p.Name == name && p.Id != input.Id, ct))
            throw new DeskValidationException(nameof(input.Name), $"A policy called {name} already exists.");
        if (!input.IsDefault && input.Conditions.IsEmpty)
            throw new DeskValidationException(nameof(input.Conditions), "A policy that is not the default needs at least one condition; otherwise it would take every ticket.");
        SlaPolicyRecord record;
        if (input.Id is { } id)
        {
            record = await db.SlaPolicies.FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw new DeskNotFoundException($"Policy {id} does not exist.");
            if (record.Version != input.ExpectedVersion)
                throw new DeskConflictException($"Policy {record.Name} was changed by someone else since you opened it; reload it and apply your change again.");
            record.Version++;
        }
        else
        {
            record = new SlaPolicyRecord();
            db.SlaPolicies.Add(record);
        }

        if (input.IsDefault)
        {
            // One default at a time: the new default replaces the old one.
            foreach (var other in await db.SlaPolicies.Where(p => p.IsDefault && p.Id != input.Id).ToListAsync(ct))
                other.IsDefault = false;
        }

        record.Name = name;
        record.CalendarId = input.CalendarId;
        record.Order = input.Order;
        record.IsDefault = input.IsDefault;
        record.IsActive = input.IsActive || input.IsDefault;
        record.Conditions = SlaConfiguration.WriteConditions(input.Conditions);
        record.Targets = targets;
        record.PauseOn = pauseOn;
        record.WarnAt = warnAt;
        record.CountsAwaitingApproval = input.CountsAwaitingApproval;
        record.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        // Matching may move any open ticket to or from this policy, so every open ticket is re-matched.
        var recomputing = await RecomputeAfterAsync(db, $"policy {name}", "", ct, everyTicket: true);
        await SaveAsync(db, ct);
        return new SlaSaveResult(record.Id, recomputing);
    }

    /// <summary>Runs a timeline (the events list of the scenario format) through this policy as it is in the form.</summary>
    public async Task<string> TestAsync(Actor actor, PolicyInput input, string eventsJson, string at, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        var (targets, pauseOn, warnAt) = PolicyJson(input);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var calendar = await db.SlaCalendars.AsNoTracking().Where(c => c.Id == input.CalendarId).Select(c => c.Definition).FirstOrDefaultAsync(ct)
            ?? throw new DeskValidationException(nameof(input.CalendarId), "Choose a calendar first.");
        var scenario = $$"""{"calendar":{{calendar}},"targets":{{targets}},"pauseOn":{{pauseOn}},"warnAt":{{warnAt}},"events":{{eventsJson}},"at":{{JsonSerializer.Serialize(at?.Trim() ?? "")}}}""";
        try
        {
            return SlaSimulator.Run(scenario);
        }
        catch (SlaInputException ex)
        {
            throw new DeskValidationException(ex.Field.StartsWith("events", StringComparison.Ordinal) || ex.Field == "(document)" ? "Events" : "At",
                ex.Message);
        }
    }

    /// <summary>
    /// Adds the durable recompute an edit needs (saved with the edit; the sweeping node works it through) of the open tickets
    /// under <paramref name="policyIds"/> (comma-separated), or of every open ticket; none when there are no such policies.
    /// Returns how many open tickets it will touch.
    /// </summary>
    private async Task<int> RecomputeAfterAsync(DeskDbContext db, string reason, string? policyIds, CancellationToken ct, bool everyTicket = false)
    {
        if (!everyTicket && policyIds is null)
            return 0;
        var work = new SlaRecompute { RequestedAt = clock.GetUtcNow().UtcDateTime, Reason = reason, PolicyIds = everyTicket ? null : policyIds };
        var count = await SlaService.CountAsync(db, work, ct);
        if (count > 0)
            db.SlaRecomputes.Add(work);
        return count;
    }

    private async Task SaveAsync(DeskDbContext db, CancellationToken ct)
    {
        try
        {
            await configuration.SaveEditAsync(db, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DeskConflictException("Someone else saved this at the same moment; reload it and apply your change again.");
        }
    }
}

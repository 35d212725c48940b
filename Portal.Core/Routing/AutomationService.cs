using Portal.Core.Audit;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Escalations;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Core.Routing;

public sealed record RuleInput(int? Id, string Name, int Order, bool IsActive, RuleTrigger Trigger, RuleConditions Conditions, RuleActions Actions,
    bool StopProcessing);

public sealed record RuleRow(int Id, string Name, int Order, bool IsActive, RuleTrigger Trigger, bool StopProcessing);

/// <summary>
/// Runs the automation rules on a change, in order, inside the change's own unit of work, so that the first state
/// anyone sees already has them applied; and lets admins keep the rules.
/// </summary>
public sealed class AutomationService(IDbContextFactory<DeskDbContext> dbFactory, NotificationService notifications,
    Operations.ConfigurationVersion configuration)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private sealed record CompiledRule(int Id, string Name, RuleTrigger Trigger, RuleConditions Conditions, RuleActions Actions, bool Stop);

    private sealed record CachedRules(long Version, IReadOnlyList<CompiledRule> Rules);

    /// <summary>The active rules, compiled, until the configuration version moves (a rule saved on any node).</summary>
    private volatile CachedRules? _rules;

    private async Task<IReadOnlyList<CompiledRule>> RulesAsync(DeskDbContext db, CancellationToken ct)
    {
        var version = await configuration.CurrentAsync(ct);
        if (_rules is { } cached && cached.Version == version)
            return cached.Rules;
        var records = await db.AutomationRules.AsNoTracking().Where(r => r.IsActive).OrderBy(r => r.Order).ThenBy(r => r.Id).ToListAsync(ct);
        var compiled = records.Select(r => new CompiledRule(r.Id, r.Name, r.Trigger, Read<RuleConditions>(r.Conditions), Read<RuleActions>(r.Actions), r.StopProcessing))
            .ToList();
        _rules = new CachedRules(version, compiled);
        return compiled;
    }

    private static T Read<T>(string json) where T : new() => JsonSerializer.Deserialize<T>(json, Json) ?? new T();

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Json);

    /// <summary>Applies every matching rule to the ticket (already saved once in this unit of work); the caller saves.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(DeskDbContext db, Ticket ticket, RuleContext context, DateTime now, CancellationToken ct = default)
    {
        var applied = new List<string>();
        var rules = await RulesAsync(db, ct);
        if (rules.Count == 0)
            return applied;
        foreach (var rule in rules.Where(r => context.Triggers.Contains(r.Trigger)))
        {
            if (!await MatchesAsync(db, ticket, rule.Conditions, context, ct))
                continue;
            await ExecuteAsync(db, ticket, rule, context, now, ct);
            applied.Add(rule.Name);
            if (rule.Stop)
                break;
        }

        return applied;
    }

    private static async Task<bool> MatchesAsync(DeskDbContext db, Ticket t, RuleConditions c, RuleContext context, CancellationToken ct)
    {
        if ((c.Departments.Count > 0 && !c.Departments.Contains(t.DepartmentId))
            || (c.Categories.Count > 0 && !c.Categories.Contains(t.CategoryId))
            || (c.Types.Count > 0 && !c.Types.Contains(t.TypeId))
            || (c.Priorities.Count > 0 && !c.Priorities.Contains(t.Priority))
            || (c.StatusFrom.Count > 0 && !c.StatusFrom.Contains(context.StatusBefore))
            || (c.StatusTo.Count > 0 && !c.StatusTo.Contains(t.Status)))
            return false;
        if (!string.IsNullOrWhiteSpace(c.TextContains)
            && !new[] { t.Title, t.Description, context.Text }.Any(s => s?.Contains(c.TextContains, StringComparison.OrdinalIgnoreCase) == true))
            return false;
        if (c.RequesterTags.Count > 0)
        {
            var tags = (context.RequesterTags ?? await db.Users.Where(u => u.Id == t.RequesterId).Select(u => u.Tags).FirstOrDefaultAsync(ct) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!c.RequesterTags.Any(tag => tags.Contains(tag, StringComparer.OrdinalIgnoreCase)))
                return false;
        }

        if (c.Fields.Count > 0)
        {
            var values = (await UnsavedState.FieldValuesAsync(db, [t.Id], ct))[t.Id].ToDictionary(v => v.FieldId, v => v.Value);
            if (!c.Fields.All(f => values.TryGetValue(f.FieldId, out var v) && string.Equals(v, f.Value, StringComparison.OrdinalIgnoreCase)))
                return false;
        }

        return true;
    }

    private async Task ExecuteAsync(DeskDbContext db, Ticket ticket, CompiledRule rule, RuleContext context, DateTime now, CancellationToken ct)
    {
        var a = rule.Actions;
        var note = $"by rule {rule.Name}";
        var done = new List<string>();
        var changed = false;
        if (a.Reopen && ticket.IsResolvedOrClosed)
        {
            db.TicketEvents.Add(TicketEvent.StatusChange(ticket.Id, now, ticket.Status, TicketStatus.Open, note: note));
            ticket.Status = TicketStatus.Open;
            done.Add("reopened");
            changed = true;
        }

        if (a.SetPriority is { } priority && SystemChanges.SetPriority(db, ticket, priority, now, note))
        {
            done.Add($"priority {priority}");
            changed = true;
        }

        if (a.SetTypeId is { } typeId && typeId != ticket.TypeId && await db.TicketTypes.Where(x => x.Id == typeId).Select(x => x.Name).FirstOrDefaultAsync(ct) is { } type)
        {
            var old = await db.TicketTypes.Where(x => x.Id == ticket.TypeId).Select(x => x.Name).FirstOrDefaultAsync(ct);
            SystemChanges.History(db, ticket, now, TicketEventKind.TypeChanged, "Type", old, type, false, note);
            ticket.TypeId = typeId;
            done.Add($"type {type}");
            changed = true;
        }

        if (a.AssignTeamId is { } teamId && await SystemChanges.SetTeamAsync(db, ticket, teamId, now, note, ct))
        {
            done.Add("team changed");
            changed = true;
        }

        var assignee = a.AssignUserId;
        if (a.AssignRequesterManager)
            assignee = await db.Users.Where(u => u.Id == ticket.RequesterId).Select(u => u.ManagerId).FirstOrDefaultAsync(ct) ?? assignee;
        if (assignee is not null && await SystemChanges.SetAssigneeAsync(db, ticket, assignee, now, note, ct))
        {
            done.Add("assigned");
            changed = true;
        }
        else if (a.AssignTeamId is not null)
        {
            var before = ticket.AssigneeId;
            if (before is not null && !await db.TeamMembers.AnyAsync(m => m.TeamId == ticket.TeamId && m.UserId == before, ct))
                ticket.AssigneeId = null;
            await TeamAssignment.AssignWithinTeamAsync(db, ticket, now, rule.Name, ct);
            if (ticket.AssigneeId != before)
                changed = true;
        }

        var watchers = new List<string>(a.AddWatchers);
        if (a.AddTeamWatchers.Count > 0)
            watchers.AddRange(await db.TeamMembers.Where(m => a.AddTeamWatchers.Contains(m.TeamId)).Select(m => m.UserId).ToListAsync(ct));
        var added = await SystemChanges.AddWatchersAsync(db, ticket, watchers, now, note, ct);
        if (added > 0)
            done.Add($"{added} watcher(s)");

        if (a.EscalateToLevel is { } level && level > ticket.EscalationLevel)
        {
            db.TicketEvents.Add(new TicketEvent
            {
                TicketId = ticket.Id, At = now, Kind = TicketEventKind.Escalated, Subject = rule.Name, NewValue = $"Level {level}",
                Body = $"Level {level} by rule {rule.Name}",
            });
            ticket.EscalationLevel = level;
            done.Add($"escalated to level {level}");
        }

        var recipients = await Notifications.NotifyRecipients.OfAsync(db, ticket, a.Notify, ct);
        if (a.NotifyTeams.Count > 0)
            recipients.AddRange(await db.TeamMembers.Where(m => a.NotifyTeams.Contains(m.TeamId)).Select(m => m.UserId).ToListAsync(ct));
        if (recipients.Count > 0)
        {
            // A rule runs once per change of a ticket; the change's instant tells one run from another.
            await notifications.AddAsync(db, recipients, context.ActorId, ticket, $"rule:{rule.Id}:{ticket.Id}:{now.Ticks}", NotificationEvent.Rule,
                $"{ticket.Title}: rule {rule.Name} ({string.Join(", ", done.DefaultIfEmpty("notified you"))})", now, ct);
            done.Add("notified");
        }

        if (a.Notify.NotifyRequester)
        {
            await notifications.AddAsync(db, [ticket.RequesterId], context.ActorId, ticket, $"rule:{rule.Id}:{ticket.Id}:{now.Ticks}:requester",
                NotificationEvent.RequestUpdate, "Your request was updated", now, ct);
            done.Add("told the requester");
        }

        db.TicketEvents.Add(new TicketEvent
        {
            TicketId = ticket.Id, At = now, Kind = TicketEventKind.RuleApplied, Subject = rule.Name, IsPublic = false,
            Body = done.Count == 0 ? "nothing to change" : string.Join(", ", done),
        });
        if (changed)
            ticket.Version++;
    }

    public async Task<IReadOnlyList<RuleRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.AutomationRules.AsNoTracking().OrderBy(r => r.Order).ThenBy(r => r.Id)
            .Select(r => new RuleRow(r.Id, r.Name, r.Order, r.IsActive, r.Trigger, r.StopProcessing)).ToListAsync(ct);
    }

    public async Task<RuleInput> GetAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var r = await db.AutomationRules.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct)
            ?? throw new DeskNotFoundException($"Rule {id} does not exist.");
        return new RuleInput(r.Id, r.Name, r.Order, r.IsActive, r.Trigger, Read<RuleConditions>(r.Conditions), Read<RuleActions>(r.Actions), r.StopProcessing);
    }

    public async Task<int> SaveAsync(Actor actor, RuleInput input, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        errors.Required(nameof(input.Name), name, "Name");
        errors.MaxLength(nameof(input.Name), name, 100, "Name");
        if (!Enum.IsDefined(input.Trigger))
            errors.Add(nameof(input.Trigger), $"Trigger {input.Trigger} does not exist.");
        var a = input.Actions;
        if (a.AssignTeamId is null && a.AssignUserId is null && !a.AssignRequesterManager && a.SetPriority is null && a.SetTypeId is null && !a.Reopen
            && a.EscalateToLevel is null && a.AddWatchers.Count == 0 && a.AddTeamWatchers.Count == 0 && a.Notify.IsEmpty && a.NotifyTeams.Count == 0)
            errors.Add(nameof(input.Actions), "The rule does nothing; choose at least one action.");
        if (a.EscalateToLevel is < 1)
            errors.Add(nameof(input.Actions), "An escalation level starts at 1.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (await db.AutomationRules.AnyAsync(r => r.Name == name && r.Id != input.Id, ct))
            errors.Add(nameof(input.Name), $"A rule called {name} already exists.");
        if (a.AssignTeamId is { } team && !await db.Teams.AnyAsync(t => t.Id == team, ct))
            errors.Add(nameof(input.Actions), $"Team {team} does not exist.");
        errors.ThrowIfAny();
        AutomationRuleRecord record;
        if (input.Id is { } id)
        {
            record = await db.AutomationRules.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new DeskNotFoundException($"Rule {id} does not exist.");
        }
        else
        {
            record = new AutomationRuleRecord();
            db.AutomationRules.Add(record);
        }

        record.Name = name;
        record.Order = input.Order;
        record.IsActive = input.IsActive;
        record.Trigger = input.Trigger;
        record.Conditions = Write(input.Conditions);
        record.Actions = Write(input.Actions);
        record.StopProcessing = input.StopProcessing;
        await configuration.SaveEditAsync(db, ct);
        return record.Id;
    }

    /// <summary>The open tickets (up to 2,000) whose current state matches a rule's conditions (the trigger aside).</summary>
    public async Task<IReadOnlyList<TicketRef>> DryRunAsync(Actor actor, int id, CancellationToken ct = default)
    {
        var rule = await GetAsync(actor, id, ct);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var tickets = await db.Tickets.AsNoTracking().Where(t => t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed)
            .OrderBy(t => t.Id).Take(2000).ToListAsync(ct);
        var matching = new List<int>();
        foreach (var t in tickets)
        {
            var context = new RuleContext(new HashSet<RuleTrigger> { rule.Trigger }, t.Status, null, null);
            if (await MatchesAsync(db, t, rule.Conditions with { StatusFrom = [] }, context, ct))
                matching.Add(t.Id);
        }

        return await db.Tickets.AsNoTracking().Where(t => matching.Contains(t.Id)).OrderBy(t => t.Id)
            .Select(t => new TicketRef(t.Id, t.Key, t.Title)).ToListAsync(ct);
    }
}

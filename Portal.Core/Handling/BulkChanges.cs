using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Handling;

/// <summary>What to change on every picked ticket; each part left null (or empty) stays as each ticket has it.</summary>
/// <param name="AssigneeId">A person of the department, or <see cref="BulkChange.Nobody"/> to unassign.</param>
public sealed record BulkChange(TicketStatus? Status = null, TicketPriority? Priority = null, string? AssigneeId = null, int? TeamId = null,
    IReadOnlyList<string>? AddTags = null, IReadOnlyList<string>? RemoveTags = null)
{
    public const string Nobody = "";

    public bool Any => Status is not null || Priority is not null || AssigneeId is not null || TeamId is not null
        || AddTags is { Count: > 0 } || RemoveTags is { Count: > 0 };
}

/// <summary>How to put one changed ticket back: its edit as it was, valid while the ticket is still at <paramref name="Version"/>.</summary>
public sealed record BulkUndo(int TicketId, int Version, TicketEdit Before);

/// <summary>What a change to picked tickets did: each ticket's outcome, and how to undo the ones that changed.</summary>
public sealed record BulkResult(IReadOnlyList<PickedOutcome> Outcomes, IReadOnlyList<BulkUndo> Undo);

/// <summary>
/// Changes several picked tickets at once: each is its own agent's edit through <see cref="TicketCommands.UpdateAsync"/>
/// (rules, SLA, audit, facts, one history entry per field), at the version the agent saw when picking it. A ticket changed
/// since, one the agent may not change, or one the change does not fit (a team of another department) is left whole with
/// the reason, and the others go on. Undo puts each changed ticket back as it was, unless it changed again since.
/// </summary>
public sealed class BulkChanges(TicketCommands commands, TicketQueries queries)
{
    public const int PickedMax = 500;

    public async Task<BulkResult> ApplyAsync(Actor actor, IReadOnlyList<PickedTicket> picked, BulkChange change, CancellationToken ct = default)
    {
        Check(picked);
        if (!change.Any)
            throw new DeskValidationException("Change", "Choose at least one thing to change.");
        var outcomes = new List<PickedOutcome>();
        var undo = new List<BulkUndo>();
        foreach (var p in picked.DistinctBy(p => p.Id))
        {
            string key = $"#{p.Id}";
            try
            {
                var t = await queries.GetAsync(actor, p.Id, ct);
                key = t.Key;
                if (!t.StaffView)
                    throw new DeskForbiddenException("only the department's staff change it");
                var before = new TicketEdit(t.Status, t.Priority, t.CategoryId, t.TypeId, t.Assignee?.Id, t.TeamId,
                    t.Fields.ToDictionary(f => f.FieldId, f => f.Value), t.Tags);
                var removed = (change.RemoveTags ?? []).Select(TagRules.Normalize).ToHashSet();
                var after = before with
                {
                    Status = change.Status ?? t.Status,
                    Priority = change.Priority ?? t.Priority,
                    AssigneeId = change.AssigneeId is null ? t.Assignee?.Id : change.AssigneeId == BulkChange.Nobody ? null : change.AssigneeId,
                    TeamId = change.TeamId ?? t.TeamId,
                    Tags = t.Tags.Where(x => !removed.Contains(x)).Concat(change.AddTags ?? []).ToList(),
                };
                var version = await commands.UpdateAsync(actor, p.Id, p.Version, after, ct);
                outcomes.Add(new PickedOutcome(p.Id, key, true, null));
                if (version != p.Version)
                    undo.Add(new BulkUndo(p.Id, version, before));
            }
            catch (DeskConflictException)
            {
                outcomes.Add(new PickedOutcome(p.Id, key, false, "it changed after you picked it; open it to see what changed"));
            }
            catch (Exception ex) when (ex is DeskForbiddenException or DeskNotFoundException or DeskValidationException)
            {
                outcomes.Add(new PickedOutcome(p.Id, key, false, Reason(ex)));
            }
        }

        return new BulkResult(outcomes, undo);
    }

    /// <summary>Puts changed tickets back as they were before a bulk change; one changed again since is left, with the reason.</summary>
    public async Task<IReadOnlyList<PickedOutcome>> UndoAsync(Actor actor, IReadOnlyList<BulkUndo> undo, CancellationToken ct = default)
    {
        Check(undo.Select(u => new PickedTicket(u.TicketId, u.Version)).ToList());
        var outcomes = new List<PickedOutcome>();
        foreach (var u in undo)
        {
            string key = $"#{u.TicketId}";
            try
            {
                key = (await queries.GetAsync(actor, u.TicketId, ct)).Key;
                await commands.UpdateAsync(actor, u.TicketId, u.Version, u.Before, ct);
                outcomes.Add(new PickedOutcome(u.TicketId, key, true, null));
            }
            catch (DeskConflictException)
            {
                outcomes.Add(new PickedOutcome(u.TicketId, key, false, "it changed again since; open it to put it right by hand"));
            }
            catch (Exception ex) when (ex is DeskForbiddenException or DeskNotFoundException or DeskValidationException)
            {
                outcomes.Add(new PickedOutcome(u.TicketId, key, false, Reason(ex)));
            }
        }

        return outcomes;
    }

    private static void Check(IReadOnlyList<PickedTicket> picked)
    {
        if (picked.Count == 0)
            throw new DeskValidationException("Tickets", "Pick at least one ticket.");
        if (picked.Count > PickedMax)
            throw new DeskValidationException("Tickets", $"At most {PickedMax} tickets can be changed at once; {picked.Count} are picked.");
    }

    private static string Reason(Exception ex) => ex is DeskValidationException v ? string.Join(" ", v.Errors.Values) : ex.Message;
}

using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
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
public sealed class BulkChanges(TicketCommands commands, IDbContextFactory<DeskDbContext> dbFactory)
{
    /// <summary>What a bulk change needs of a ticket: its number and its edit as it stands (not its history, which a full read brings).</summary>
    private async Task<(string Key, TicketEdit Edit)?> CurrentAsync(Actor actor, int ticketId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var t = await db.Tickets.AsNoTracking().Where(x => x.Id == ticketId)
            .Select(x => new
            {
                x.Key, x.DepartmentId, x.Status, x.Priority, x.CategoryId, x.TypeId, x.AssigneeId, x.TeamId,
                Fields = x.FieldValues.Select(v => new { v.FieldId, v.Value }).ToList(), Tags = x.Tags.Select(g => g.Tag).ToList(),
            }).FirstOrDefaultAsync(ct);
        if (t is null || !actor.CanWorkIn(t.DepartmentId))
            return null;
        return (t.Key, new TicketEdit(t.Status, t.Priority, t.CategoryId, t.TypeId, t.AssigneeId, t.TeamId,
            t.Fields.ToDictionary(f => f.FieldId, f => (string?)f.Value), t.Tags.Order(StringComparer.Ordinal).ToList()));
    }

    public const int PickedMax = 500;

    public async Task<BulkResult> ApplyAsync(Actor actor, IReadOnlyList<PickedTicket> picked, BulkChange change, CancellationToken ct = default)
    {
        Check(picked);
        if (!change.Any)
            throw new DeskValidationException("Change", "Choose at least one thing to change.");
        var outcomes = new List<PickedOutcome>();
        var undo = new List<BulkUndo>();
        var removed = (change.RemoveTags ?? []).Select(TagRules.Normalize).ToHashSet();
        foreach (var p in picked.DistinctBy(p => p.Id))
        {
            var key = $"#{p.Id}";
            outcomes.Add(await PickedOutcomes.OneAsync(p.Id, () => key, async () =>
            {
                // Another department's ticket: not even its number is told.
                var (currentKey, before) = await CurrentAsync(actor, p.Id, ct)
                    ?? throw new DeskNotFoundException($"Ticket {p.Id} does not exist or you may not change it.");
                key = currentKey;
                var after = before with
                {
                    Status = change.Status ?? before.Status,
                    Priority = change.Priority ?? before.Priority,
                    AssigneeId = change.AssigneeId is null ? before.AssigneeId : change.AssigneeId == BulkChange.Nobody ? null : change.AssigneeId,
                    TeamId = change.TeamId ?? before.TeamId,
                    Tags = before.Tags!.Where(x => !removed.Contains(x)).Concat(change.AddTags ?? []).ToList(),
                };
                var version = await commands.UpdateAsync(actor, p.Id, p.Version, after, ct);
                if (version != p.Version)
                    undo.Add(new BulkUndo(p.Id, version, before));
            }));
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
            var key = $"#{u.TicketId}";
            outcomes.Add(await PickedOutcomes.OneAsync(u.TicketId, () => key, async () =>
            {
                key = (await CurrentAsync(actor, u.TicketId, ct))?.Key ?? key;
                await commands.UpdateAsync(actor, u.TicketId, u.Version, u.Before, ct);
            }, "it changed again since; open it to put it right by hand"));
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
}

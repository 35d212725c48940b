using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Handling;

/// <summary>
/// A link as seen from one ticket: how the other relates to it ("duplicate of", "duplicated by", "caused by", "caused",
/// "related to"), and the other ticket as far as the reader may see it (its title only when they work its department).
/// </summary>
public sealed record TicketLinkView(int LinkId, string Relation, int OtherId, string OtherKey, string? OtherTitle, TicketStatus? OtherStatus,
    string OtherDepartment, bool CanOpen);

/// <summary>Links tickets to each other and merges a duplicate into its original; staff of the ticket's department.</summary>
public sealed class TicketLinking(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketPipeline pipeline,
    Notifications.NotificationService notifications)
{
    /// <summary>Links this ticket to another by its key (related, or caused by); staff of this ticket's department.</summary>
    public async Task LinkAsync(Actor actor, int ticketId, string? otherKey, TicketLinkKind kind, CancellationToken ct = default)
    {
        if (kind == TicketLinkKind.DuplicateOf)
            throw new DeskValidationException("Kind", "Link as duplicate by merging the ticket into its original.");
        if (!Enum.IsDefined(kind))
            throw new DeskValidationException("Kind", "Choose related or caused by.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ticket = await TicketQueries.RequireStaffTicketAsync(db, actor, ticketId, ct);
        var other = await FindByKeyAsync(db, actor, otherKey, ticket, "OtherKey", ct);
        if (await db.TicketLinks.AnyAsync(l => ((l.FromTicketId == ticket.Id && l.ToTicketId == other.Id)
                || (l.FromTicketId == other.Id && l.ToTicketId == ticket.Id)) && l.Kind == kind, ct))
            throw new DeskValidationException("OtherKey", $"Ticket: {ticket.Key} and {other.Key} are already linked that way.");
        var now = clock.GetUtcNow().UtcDateTime;
        db.TicketLinks.Add(new TicketLink { FromTicketId = ticket.Id, ToTicketId = other.Id, Kind = kind, CreatedAt = now, CreatedById = actor.UserId });
        var label = kind == TicketLinkKind.CausedBy ? "Caused by" : "Related to";
        var change = pipeline.Begin(db, ticket, actor.UserId, TicketChangeKind.Linked, now);
        change.Record(LinkEvent(ticket.Id, actor.UserId, now, TicketEventKind.LinkAdded, label, null, other.Key));
        ticket.UpdatedAt = now;
        await pipeline.CommitAsync(change, tx, ct);
    }

    public async Task UnlinkAsync(Actor actor, int ticketId, int linkId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ticket = await TicketQueries.RequireStaffTicketAsync(db, actor, ticketId, ct);
        var link = await db.TicketLinks.FirstOrDefaultAsync(l => l.Id == linkId && (l.FromTicketId == ticketId || l.ToTicketId == ticketId), ct)
            ?? throw new DeskNotFoundException("That link does not exist (any more).");
        if (link.Kind == TicketLinkKind.DuplicateOf)
            throw new DeskValidationException("Kind", "A merge is not undone by removing its link; reopen the duplicate instead.");
        var otherKey = await db.Tickets.Where(t => t.Id == (link.FromTicketId == ticketId ? link.ToTicketId : link.FromTicketId))
            .Select(t => t.Key).FirstAsync(ct);
        db.Remove(link);
        var now = clock.GetUtcNow().UtcDateTime;
        var change = pipeline.Begin(db, ticket, actor.UserId, TicketChangeKind.Linked, now);
        change.Record(LinkEvent(ticket.Id, actor.UserId, now, TicketEventKind.LinkRemoved, link.Kind == TicketLinkKind.CausedBy ? "Caused by" : "Related to",
            otherKey, null));
        ticket.UpdatedAt = now;
        await pipeline.CommitAsync(change, tx, ct);
    }

    /// <summary>
    /// Merges a duplicate into its original, in one transaction: the duplicate's conversation (its description, replies and
    /// internal notes, with their authors, times and visibility) is copied to the original, its requester and watchers
    /// come to watch the original, and the duplicate is closed with a public note telling its requester where their
    /// request is handled now. The agent must work in both tickets' departments. Returns the original's key.
    /// </summary>
    public async Task<string> MergeAsync(Actor actor, int duplicateId, string? originalKey, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var duplicate = await TicketQueries.RequireStaffTicketAsync(db, actor, duplicateId, ct);
        await db.Entry(duplicate).Collection(t => t.Watchers).LoadAsync(ct);
        var original = await FindByKeyAsync(db, actor, originalKey, duplicate, "OriginalKey", ct);
        if (!actor.CanWorkIn(original.DepartmentId))
            throw new DeskForbiddenException($"You can merge only into a ticket of a department you work in; {original.Key} is not.");
        if (duplicate.Status == TicketStatus.Closed)
            throw new DeskValidationException("OriginalKey", $"Ticket: {duplicate.Key} is closed already; reopen it to merge it.");
        if (original.Status == TicketStatus.Closed)
            throw new DeskValidationException("OriginalKey", $"Ticket: {original.Key} is closed; reopen it first, or merge it into this one instead.");
        await db.Entry(original).Collection(t => t.Watchers).LoadAsync(ct);

        var now = clock.GetUtcNow().UtcDateTime;
        var change = pipeline.Begin(db, duplicate, actor.UserId, TicketChangeKind.Merged, now);
        change.AlsoChanged.Add(original);
        var conversation = await db.TicketEvents.AsNoTracking()
            .Where(e => e.TicketId == duplicate.Id && (e.Kind == TicketEventKind.Created || e.Kind == TicketEventKind.Reply || e.Kind == TicketEventKind.InternalNote))
            .OrderBy(e => e.Id).ToListAsync(ct);
        foreach (var e in conversation)
        {
            db.TicketEvents.Add(new TicketEvent
            {
                TicketId = original.Id, At = e.At, ActorId = e.ActorId, ByAgent = e.ByAgent, IsPublic = e.IsPublic,
                Kind = e.Kind == TicketEventKind.InternalNote ? TicketEventKind.InternalNote : TicketEventKind.Reply,
                Body = e.Kind == TicketEventKind.Created ? $"[{duplicate.Key}: {e.NewValue}]\n{e.Body}" : $"[{duplicate.Key}] {e.Body}",
            });
        }

        var newWatchers = duplicate.Watchers.Select(w => w.UserId).Append(duplicate.RequesterId)
            .Where(u => u != original.RequesterId && original.Watchers.All(w => w.UserId != u)).Distinct().ToList();
        foreach (var userId in newWatchers)
            original.Watchers.Add(new TicketWatcher { UserId = userId });
        db.TicketEvents.Add(LinkEvent(original.Id, actor.UserId, now, TicketEventKind.Merged, "Merged", null, duplicate.Key,
            $"{duplicate.Key} was merged into this ticket: {conversation.Count} message(s) copied, {newWatchers.Count} watcher(s) added."));

        var note = $"This request repeats {original.Key}, where it is being handled. Its messages were copied there and you now follow "
            + $"{original.Key}: you will hear of its progress.";
        change.Record(new TicketEvent
        {
            TicketId = duplicate.Id, At = now, ActorId = actor.UserId, ByAgent = true, IsPublic = true, Kind = TicketEventKind.Reply, Body = note,
        });
        change.Record(LinkEvent(duplicate.Id, actor.UserId, now, TicketEventKind.Merged, "Merged into", null, original.Key,
            $"Merged into {original.Key}.", isPublic: true));
        change.Record(TicketEvent.StatusChange(duplicate.Id, now, duplicate.Status, TicketStatus.Closed, actor.UserId, byAgent: true));
        duplicate.Status = TicketStatus.Closed;
        duplicate.Version++;
        duplicate.UpdatedAt = now;
        original.Version++;
        original.UpdatedAt = now;
        db.TicketLinks.Add(new TicketLink
        {
            FromTicketId = duplicate.Id, ToTicketId = original.Id, Kind = TicketLinkKind.DuplicateOf, CreatedAt = now, CreatedById = actor.UserId,
        });
        change.Notify(token => notifications.AddAsync(db, [duplicate.RequesterId], actor.UserId, duplicate, $"merged:{duplicate.Id}",
            Notifications.NotificationEvent.RequestUpdate, $"Your request {duplicate.Key} continues as {original.Key}", now, token));
        // A merge fires no rules (as before the pipeline): the triggers stay empty.
        change.Triggers.Clear();
        await pipeline.CommitAsync(change, tx, ct);
        return original.Key;
    }

    private static TicketEvent LinkEvent(int ticketId, string actorId, DateTime now, TicketEventKind kind, string subject, string? oldValue,
        string? newValue, string? body = null, bool isPublic = false) => new()
    {
        TicketId = ticketId, At = now, ActorId = actorId, ByAgent = true, IsPublic = isPublic, Kind = kind, Subject = subject,
        OldValue = oldValue, NewValue = newValue, Body = body,
    };

    /// <summary>
    /// The other ticket of a link or merge, when the actor may see it. A ticket that does not exist and one the actor may
    /// not see get the same answer, so that numbers cannot be probed (people link what they know).
    /// </summary>
    private static async Task<Ticket> FindByKeyAsync(Persistence.DeskDbContext db, Actor actor, string? key, Ticket from, string field, CancellationToken ct)
    {
        var text = key?.Trim().ToUpperInvariant() ?? "";
        if (text.Length == 0)
            throw new DeskValidationException(field, "Ticket: enter the other ticket's number, e.g. IT-1042.");
        var other = await db.Tickets.Include(t => t.Watchers).FirstOrDefaultAsync(t => t.Key == text, ct);
        if (other is null || !TicketAccess.MaySee(actor, other))
            throw new DeskValidationException(field, $"Ticket: there is no ticket {text} that you may see.");
        return other.Id == from.Id ? throw new DeskValidationException(field, "Ticket: a ticket cannot be linked to itself.") : other;
    }
}

using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;

namespace Portal.Core.Handling;

/// <summary>Reads tickets as the actor may see them: their own requests, one ticket with its history, its links, an attachment.</summary>
public sealed class TicketQueries(IDbContextFactory<DeskDbContext> dbFactory)
{
    public async Task<PagedResult<TicketSummary>> ListMyRequestsAsync(Actor actor, bool openOnly, int page, int pageSize,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        // A catalog request's tasks are worked by departments; their requester follows the request itself.
        var query = db.Tickets.AsNoTracking().Where(t => t.RequesterId == actor.UserId && t.ParentId == null);
        if (openOnly)
            query = query.Where(t => t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed);
        var total = await query.CountAsync(ct);
        page = Math.Max(1, page);
        pageSize = Math.Clamp(pageSize, 1, 100);
        var items = await Summaries(query.OrderByDescending(t => t.UpdatedAt).Skip((page - 1) * pageSize).Take(pageSize))
            .ToListAsync(ct);
        return new PagedResult<TicketSummary>(await WithSlaAsync(db, items, ct), total, page, pageSize);
    }

    internal static async Task<IReadOnlyList<TicketSummary>> WithSlaAsync(DeskDbContext db, List<TicketSummary> items, CancellationToken ct)
    {
        var views = await Sla.SlaService.ViewsAsync(db, items.Select(i => i.Id).ToList(), ct);
        return items.Select(i => views.TryGetValue(i.Id, out var v) ? i with { Sla = v } : i).ToList();
    }

    internal static IQueryable<TicketSummary> Summaries(IQueryable<Ticket> query) =>
        query.Select(t => new TicketSummary(
            t.Id, t.Key, t.Title, t.DepartmentId, t.Department!.Name, t.Category!.Name, t.Priority, t.Status,
            t.Requester!.DisplayName, t.AssigneeId, t.Assignee != null ? t.Assignee.DisplayName : null,
            t.Team != null ? t.Team.Name : null, t.CreatedAt, t.UpdatedAt) { EscalationLevel = t.EscalationLevel, Version = t.Version });

    /// <summary>
    /// A ticket named by its key ("IT-1042", any case) or its id, when the actor may see it; not found otherwise (the same
    /// answer for a ticket that exists and one that does not).
    /// </summary>
    public async Task<int> FindIdAsync(Actor actor, string keyOrId, CancellationToken ct = default)
    {
        var text = keyOrId.Trim();
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var query = db.Tickets.AsNoTracking().Where(TicketAccess.Visible(actor));
        int? id = int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? await query.Where(t => t.Id == number).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct)
            : await query.Where(t => t.Key == text.ToUpperInvariant()).Select(t => (int?)t.Id).FirstOrDefaultAsync(ct);
        return id ?? throw new DeskNotFoundException($"Ticket {text} does not exist or you may not see it.");
    }

    /// <summary>The tags in use on a department's tickets, the most used first (for suggestions as a tag is typed).</summary>
    public async Task<IReadOnlyList<string>> TagsInUseAsync(Actor actor, int departmentId, int take = 50, CancellationToken ct = default)
    {
        if (!actor.CanWorkIn(departmentId))
            throw new DeskForbiddenException("Tags are the department's staff's.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.TicketTags.Where(x => db.Tickets.Any(t => t.Id == x.TicketId && t.DepartmentId == departmentId))
            .GroupBy(x => x.Tag).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Take(take).Select(g => g.Key).ToListAsync(ct);
    }

    /// <summary>The id of the active person with this email, or null.</summary>
    public async Task<string?> UserIdByEmailAsync(string email, CancellationToken ct = default) => (await PersonByEmailAsync(email, ct))?.Id;

    /// <summary>The active person with this email (id and name), or null.</summary>
    public async Task<PersonRef?> PersonByEmailAsync(string email, CancellationToken ct = default)
    {
        var normalized = email.Trim().ToUpperInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Users.Where(u => u.NormalizedEmail == normalized && u.IsActive).Select(u => new PersonRef(u.Id, u.DisplayName)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The ticket as the actor may see it; not found when the actor may not see it at all.</summary>
    public Task<TicketDetails> GetAsync(Actor actor, int ticketId, CancellationToken ct = default) => GetAsync(actor, ticketId, withHistory: true, ct);

    /// <summary>
    /// The ticket as the actor may see it; without its history and files when <paramref name="withHistory"/> is false
    /// (the API's ticket and the webhooks' carry neither: two queries fewer on every read).
    /// </summary>
    public async Task<TicketDetails> GetAsync(Actor actor, int ticketId, bool withHistory, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var t = await db.Tickets.AsNoTracking()
            .Include(x => x.Department).Include(x => x.Category).Include(x => x.Type)
            .Include(x => x.Requester).Include(x => x.Assignee).Include(x => x.Team)
            .Include(x => x.FieldValues)
            .Include(x => x.Watchers).ThenInclude(w => w.User)
            .Include(x => x.Tags)
            .AsSplitQuery()
            .FirstOrDefaultAsync(x => x.Id == ticketId, ct);
        if (t is not null && !TicketAccess.MaySee(actor, t) && t.ParentId is { } taskOf && t.RequesterId == actor.UserId)
        {
            // A link to a task of her own catalog request (an old message, a colleague's mail): the request is hers to follow.
            var parentKey = await db.Tickets.Where(p => p.Id == taskOf).Select(p => p.Key).FirstAsync(ct);
            throw new DeskNotFoundException($"{t.Key} is a task that a department works for your request {parentKey}; follow its progress there.");
        }
        if (t is null || !TicketAccess.MaySee(actor, t))
            throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not see it.");
        var staff = TicketAccess.MayWork(actor, t.DepartmentId);

        var fields = await db.CustomFields.AsNoTracking()
            .Where(f => f.CategoryId == t.CategoryId && (f.IsActive || t.FieldValues.Select(v => v.FieldId).Contains(f.Id)))
            .OrderBy(f => f.SortOrder).ThenBy(f => f.Id).ToListAsync(ct);
        var fieldViews = fields
            .Where(f => staff || f.VisibleToRequester)
            .Select(f => new FieldValueView(f.Id, f.Label, f.Kind, f.Required, f.VisibleToRequester, f.OptionList,
                t.FieldValues.FirstOrDefault(v => v.FieldId == f.Id)?.Value))
            .ToList();

        var attachments = !withHistory ? [] : await db.Attachments.AsNoTracking()
            .Where(a => a.TicketId == ticketId && (staff || a.IsPublic))
            .OrderBy(a => a.Id)
            .Select(a => new { a.EventId, View = new AttachmentView(a.Id, a.FileName, a.Size, a.IsPublic, a.UploadedAt) })
            .ToListAsync(ct);
        var events = !withHistory ? [] : await db.TicketEvents.AsNoTracking()
            .Where(e => e.TicketId == ticketId && (staff || e.IsPublic))
            .OrderBy(e => e.Id)
            .Select(e => new { e, ActorName = e.Actor != null ? e.Actor.DisplayName : "System" })
            .ToListAsync(ct);
        var eventViews = events.Select(x => new TicketEventView(x.e.Id, x.e.At, x.ActorName, x.e.Kind, x.e.IsPublic,
                x.e.ByAgent, x.e.Body, x.e.Subject, x.e.OldValue, x.e.NewValue,
                attachments.Where(a => a.EventId == x.e.Id).Select(a => a.View).ToList()))
            .ToList();

        var slaViews = await Sla.SlaService.ViewsAsync(db, [t.Id], ct);
        var policyName = t.SlaPolicyId is { } pid
            ? await db.SlaPolicies.Where(p => p.Id == pid).Select(p => p.Name).FirstOrDefaultAsync(ct)
            : null;
        return new TicketDetails(t.Id, t.Key, t.Title, t.Description, t.DepartmentId, t.Department!.Name, t.CategoryId,
            t.Category!.Name, t.TypeId, t.Type!.Name, t.Priority, t.Status,
            new PersonRef(t.RequesterId, t.Requester!.DisplayName), HasTag(t.Requester.Tags, "VIP"),
            t.Assignee is null ? null : new PersonRef(t.Assignee.Id, t.Assignee.DisplayName),
            t.TeamId, t.Team?.Name, t.CreatedAt, t.UpdatedAt, t.Version, staff, fieldViews,
            t.Watchers.Select(w => new PersonRef(w.UserId, w.User!.DisplayName)).OrderBy(p => p.Name).ToList(),
            eventViews, attachments.Select(a => a.View).ToList())
        {
            TypeKind = t.Type.Kind,
            Sla = slaViews.GetValueOrDefault(t.Id) ?? [],
            SlaPolicyName = staff ? policyName : null,
            EscalationLevel = staff ? t.EscalationLevel : 0,
            Tags = staff ? t.Tags.Select(x => x.Tag).Order(StringComparer.Ordinal).ToList() : [],
            HasTasks = t.CatalogItemId is not null,
            Parent = t.ParentId is { } parentId
                ? await db.Tickets.AsNoTracking().Where(p => p.Id == parentId).Select(p => new TicketRef(p.Id, p.Key, p.Title)).FirstAsync(ct)
                : null,
            WaitsFor = t.WaitsForId is { } waitsForId && t.Status == TicketStatus.Waiting
                ? await db.Tickets.AsNoTracking().Where(p => p.Id == waitsForId).Select(p => new TicketRef(p.Id, p.Key, p.Title)).FirstAsync(ct)
                : null,
        };
    }

    internal static bool HasTag(string tags, string tag) =>
        tags.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Contains(tag, StringComparer.OrdinalIgnoreCase);

    public sealed record AttachmentFile(string FileName, string ContentType, byte[] Data);

    public async Task<AttachmentFile> GetAttachmentAsync(Actor actor, int attachmentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var a = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(x => x.Id == attachmentId, ct)
            ?? throw new DeskNotFoundException($"Attachment {attachmentId} does not exist or you may not see it.");
        var details = await GetAsync(actor, a.TicketId, ct);
        if (!details.StaffView && !a.IsPublic)
            throw new DeskNotFoundException($"Attachment {attachmentId} does not exist or you may not see it.");
        var data = await db.AttachmentContents.Where(c => c.AttachmentId == attachmentId).Select(c => c.Data).FirstAsync(ct);
        return new AttachmentFile(a.FileName, a.ContentType, data);
    }

    /// <summary>The ticket's links, for staff of its department.</summary>
    public async Task<IReadOnlyList<TicketLinkView>> ListLinksAsync(Actor actor, int ticketId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await RequireStaffTicketAsync(db, actor, ticketId, ct);
        var links = await db.TicketLinks.AsNoTracking().Where(l => l.FromTicketId == ticketId || l.ToTicketId == ticketId)
            .OrderBy(l => l.Id).ToListAsync(ct);
        var otherIds = links.Select(l => l.FromTicketId == ticketId ? l.ToTicketId : l.FromTicketId).Distinct().ToList();
        var others = await db.Tickets.AsNoTracking().Where(t => otherIds.Contains(t.Id))
            .Select(t => new { t.Id, t.Key, t.Title, t.Status, t.DepartmentId, Department = t.Department!.Name }).ToDictionaryAsync(t => t.Id, ct);
        return links.Select(l =>
        {
            var outgoing = l.FromTicketId == ticketId;
            var other = others[outgoing ? l.ToTicketId : l.FromTicketId];
            var relation = (l.Kind, outgoing) switch
            {
                (TicketLinkKind.DuplicateOf, true) => "Duplicate of",
                (TicketLinkKind.DuplicateOf, false) => "Duplicated by",
                (TicketLinkKind.CausedBy, true) => "Caused by",
                (TicketLinkKind.CausedBy, false) => "Caused",
                _ => "Related to",
            };
            var open = actor.CanWorkIn(other.DepartmentId);
            // Someone who does not work the other ticket's department learns only its number (the department is in it).
            return new TicketLinkView(l.Id, relation, other.Id, other.Key, open ? other.Title : null, open ? other.Status : null, other.Department, open);
        }).ToList();
    }

    /// <summary>The ticket, tracked, when the actor works its department; not found otherwise (who may not change it learns nothing of it).</summary>
    internal static async Task<Ticket> RequireStaffTicketAsync(Persistence.DeskDbContext db, Actor actor, int ticketId, CancellationToken ct)
    {
        var ticket = await db.Tickets.FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        return ticket is not null && actor.CanWorkIn(ticket.DepartmentId)
            ? ticket
            : throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not change it.");
    }
}

using Portal.Core.Tickets;
using Portal.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Handling;

/// <summary>
/// Changes an existing ticket on a person's behalf: replies and notes, an agent's edit, "assign to me", watchers. Each
/// command checks who may do it, validates, applies and records the change, then commits it through the pipeline.
/// </summary>
public sealed class TicketCommands(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketPipeline pipeline,
    Notifications.NotificationService notifications, TicketQueries queries)
{
    /// <summary>
    /// Adds a public reply or (staff only) an internal note. A requester's reply reopens a resolved request
    /// and takes a request waiting on them back to Open; an agent's first public reply opens a new ticket.
    /// </summary>
    public Task ReplyAsync(Actor actor, int ticketId, string body, bool isPublic,
        IReadOnlyList<NewAttachment> attachments, CancellationToken ct = default) =>
        ReplyAsync(actor, ticketId, body, isPublic, attachments, null, ct);

    /// <summary>A reply whose <paramref name="alsoAdd"/> adds rows of its own (the email it came from, its files) in the same transaction.</summary>
    internal async Task ReplyAsync(Actor actor, int ticketId, string body, bool isPublic, IReadOnlyList<NewAttachment> attachments,
        Action<DeskDbContext, Ticket, TicketEvent>? alsoAdd, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        body = body?.Trim() ?? "";
        errors.Required("Body", body, "Message");
        errors.MaxLength("Body", body, TicketLimits.TextMax, "Message");
        AttachmentRules.Check(attachments, errors);

        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ticket = await TicketAccess.SeenAsync(db, actor, ticketId, ct);
        var staff = TicketAccess.MayWork(actor, ticket.DepartmentId);
        if (!isPublic && !staff)
            throw new DeskForbiddenException("Only agents of the department can add internal notes.");
        if (ticket.Status == TicketStatus.Closed && !staff)
            errors.Add("Body", "This request is closed and takes no more replies; please file a new request.");
        errors.ThrowIfAny();

        var now = clock.GetUtcNow().UtcDateTime;
        var change = pipeline.Begin(db, ticket, actor.UserId, isPublic ? TicketChangeKind.Reply : TicketChangeKind.Note, now);
        var reply = RecordReply(change, actor, staff, body, isPublic);
        if (attachments.Count > 0)
            change.AfterFirstWrite(() => TicketFiling.AddAttachments(db, ticket.Id, reply.Id, actor.UserId, attachments, isPublic, now));
        if (alsoAdd is not null)
            change.AfterFirstWrite(() => alsoAdd(db, ticket, reply));
        await pipeline.CommitAsync(change, tx, ct);
    }

    /// <summary>
    /// Saves an agent's edit. Fails with a conflict, changing nothing, when someone else changed the
    /// ticket since <paramref name="expectedVersion"/> was read.
    /// </summary>
    public async Task<int> UpdateAsync(Actor actor, int ticketId, int expectedVersion, TicketEdit edit,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ticket = await db.Tickets.Include(t => t.FieldValues).Include(t => t.Tags).FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || !actor.CanWorkIn(ticket.DepartmentId))
            throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not change it.");
        if (ticket.Version != expectedVersion)
            throw await ConflictAsync(db, ticket, ct);

        var checkedEdit = await CheckEditAsync(db, ticket, edit, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var change = pipeline.Begin(db, ticket, actor.UserId, TicketChangeKind.Updated, now);
        await ApplyEditAsync(change, edit, checkedEdit, ct);
        if (change.Events.Count == 0)
            return ticket.Version;

        ticket.UpdatedAt = now;
        ticket.Version++;
        change.Triggers.Add(Routing.RuleTrigger.Updated);
        change.AssignWithinTeam = edit.TeamId is not null && edit.AssigneeId is null && change.Events.Any(c => c.Kind == TicketEventKind.TeamChanged);
        change.Notify(token => NotifyOfUpdateAsync(db, actor, ticket, change.AssigneeBefore, change.StatusBefore, now, token));
        try
        {
            await pipeline.CommitAsync(change, tx, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await tx.RollbackAsync(ct);
            await using var fresh = await dbFactory.CreateForAsync(actor, ct);
            var current = await fresh.Tickets.AsNoTracking().FirstAsync(t => t.Id == ticketId, ct);
            throw await ConflictAsync(fresh, current, ct);
        }

        return ticket.Version;
    }

    /// <summary>
    /// Records a reply or note on the change: its history entry, the status it moves (an agent's first public reply opens a
    /// new ticket; a requester's reopens a resolved one or answers one waiting on them), the rules' triggers, and who hears of it.
    /// </summary>
    private TicketEvent RecordReply(TicketChange change, Actor actor, bool staff, string body, bool isPublic)
    {
        var (db, ticket, now) = (change.Db, change.Ticket, change.Now);
        var reply = new TicketEvent
        {
            TicketId = ticket.Id, At = now, ActorId = actor.UserId,
            Kind = isPublic ? TicketEventKind.Reply : TicketEventKind.InternalNote,
            IsPublic = isPublic, ByAgent = staff, Body = body,
        };
        change.Record(reply);

        TicketStatus? newStatus = null;
        if (isPublic && staff && ticket.Status == TicketStatus.New)
            newStatus = TicketStatus.Open;
        else if (isPublic && !staff && ticket.Status is TicketStatus.Resolved or TicketStatus.PendingRequester)
            newStatus = TicketStatus.Open;
        if (newStatus is { } status)
        {
            change.Record(TicketEvent.StatusChange(ticket.Id, now, ticket.Status, status, actor.UserId, byAgent: staff));
            ticket.Status = status;
            ticket.Version++;
        }

        ticket.UpdatedAt = now;
        change.Triggers.Add(Routing.RuleTrigger.Updated);
        if (isPublic)
            change.Triggers.Add(staff ? Routing.RuleTrigger.AgentReplied : Routing.RuleTrigger.RequesterReplied);
        change.RuleText = body;
        change.Notify(async token =>
        {
            // Who hears of it: an agent's public reply goes to the requester and watchers; the requester's reply (or a
            // watcher's) to the assignee and watchers; an internal note only to the assignee, never outside the department.
            var watchers = ticket.Watchers.Select(w => w.UserId).ToList();
            var told = !isPublic ? [ticket.AssigneeId]
                : staff ? watchers.Append(ticket.RequesterId)
                : watchers.Append(ticket.AssigneeId);
            var who = actor.DisplayName;
            var mentioned = await MentionedAsync(db, ticket.DepartmentId, body, token);
            await notifications.AddAsync(db, mentioned, actor.UserId, ticket, $"mention:{reply.Id}", Notifications.NotificationEvent.Mentioned,
                $"{who} mentioned you in {(isPublic ? "a reply" : "an internal note")}", now, token);
            told = told.Where(u => u is null || !mentioned.Contains(u));
            await notifications.AddAsync(db, told.OfType<string>(), actor.UserId, ticket, $"reply:{reply.Id}", Notifications.NotificationEvent.Reply,
                !isPublic ? $"Internal note by {who}" : staff ? $"New reply from {who}" : $"{who} replied", now, token);
        });
        return reply;
    }

    /// <summary>
    /// A macro: a canned response's text (a reply or an internal note, when there is one) and its field changes, applied
    /// as one change through the pipeline, one history entry per field that moved, with the checks of an agent's edit and
    /// the same conflict detection (someone changed the ticket since <paramref name="expectedVersion"/>: nothing is applied).
    /// </summary>
    public async Task<int> ApplyMacroAsync(Actor actor, int ticketId, int expectedVersion, MacroChanges changes, string? body, bool isPublic,
        CancellationToken ct = default)
    {
        body = string.IsNullOrWhiteSpace(body) ? null : body.Trim();
        var errors = new ValidationErrors();
        errors.MaxLength("Body", body, TicketLimits.TextMax, "Message");
        errors.ThrowIfAny();
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ticket = await db.Tickets.Include(t => t.FieldValues).Include(t => t.Watchers).Include(t => t.Tags)
            .FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || !actor.CanWorkIn(ticket.DepartmentId))
            throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not change it.");
        if (ticket.Version != expectedVersion)
            throw await ConflictAsync(db, ticket, ct);

        var edit = new TicketEdit(changes.Status ?? ticket.Status, changes.Priority ?? ticket.Priority, ticket.CategoryId, ticket.TypeId,
            changes.AssignToMe ? actor.UserId : ticket.AssigneeId, changes.TeamId ?? ticket.TeamId,
            ticket.FieldValues.ToDictionary(v => v.FieldId, v => (string?)v.Value),
            changes.AddTags is { Count: > 0 } add ? ticket.Tags.Select(t => t.Tag).Concat(add).ToList() : null);
        var checkedEdit = await CheckEditAsync(db, ticket, edit, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var change = pipeline.Begin(db, ticket, actor.UserId, TicketChangeKind.Updated, now);
        await ApplyEditAsync(change, edit, checkedEdit, ct);
        if (body is not null)
            RecordReply(change, actor, staff: true, body, isPublic);
        if (change.Events.Count == 0)
            return ticket.Version;

        ticket.UpdatedAt = now;
        ticket.Version++;
        change.Triggers.Add(Routing.RuleTrigger.Updated);
        change.AssignWithinTeam = changes.TeamId is not null && !changes.AssignToMe && change.Events.Any(c => c.Kind == TicketEventKind.TeamChanged);
        change.Notify(token => NotifyOfUpdateAsync(db, actor, ticket, change.AssigneeBefore, change.StatusBefore, now, token));
        try
        {
            await pipeline.CommitAsync(change, tx, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await tx.RollbackAsync(ct);
            await using var fresh = await dbFactory.CreateForAsync(actor, ct);
            throw await ConflictAsync(fresh, await fresh.Tickets.AsNoTracking().FirstAsync(t => t.Id == ticketId, ct), ct);
        }

        return ticket.Version;
    }

    /// <summary>What an agent's edit names, looked up and checked (each error names its field).</summary>
    private sealed record CheckedEdit(Category? Category, TicketType? Type, string? AssigneeName, string? TeamName, List<CustomField> Fields,
        Dictionary<int, string> Values, IReadOnlyList<string>? Tags);

    /// <summary>Checks an agent's edit against the ticket's department: the status and priority exist, the category, type, assignee and team
    /// belong there, the fields are valid, and a close is allowed by the features' "before close" step.</summary>
    private async Task<CheckedEdit> CheckEditAsync(DeskDbContext db, Ticket ticket, TicketEdit edit, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (!Enum.IsDefined(edit.Status))
            errors.Add(nameof(edit.Status), $"Status {edit.Status} does not exist.");
        if (!Enum.IsDefined(edit.Priority))
            errors.Add(nameof(edit.Priority), $"Priority {edit.Priority} does not exist.");
        var category = await db.Categories.AsNoTracking().Include(c => c.Fields)
            .FirstOrDefaultAsync(c => c.Id == edit.CategoryId && c.DepartmentId == ticket.DepartmentId, ct);
        if (category is null)
            errors.Add(nameof(edit.CategoryId), $"Category {edit.CategoryId} is not a category of this department.");
        var type = await db.TicketTypes.AsNoTracking().FirstOrDefaultAsync(t => t.Id == edit.TypeId, ct);
        if (type is null)
            errors.Add(nameof(edit.TypeId), $"Type {edit.TypeId} does not exist.");
        string? assigneeName = null;
        if (edit.AssigneeId is { } assigneeId)
        {
            assigneeName = await db.Users.Where(u => u.Id == assigneeId && u.IsActive
                    && (u.Roles & (DeskRole.Agent | DeskRole.Supervisor)) != 0
                    && u.Departments.Any(m => m.DepartmentId == ticket.DepartmentId))
                .Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
            if (assigneeName is null)
                errors.Add(nameof(edit.AssigneeId), "The assignee must be an active agent or supervisor of this department.");
        }

        string? teamName = null;
        if (edit.TeamId is { } teamId)
        {
            teamName = await db.Teams.Where(t => t.Id == teamId && t.DepartmentId == ticket.DepartmentId)
                .Select(t => t.Name).FirstOrDefaultAsync(ct);
            if (teamName is null)
                errors.Add(nameof(edit.TeamId), "The team must be a team of this department.");
        }

        var fields = category?.Fields.Where(f => f.IsActive).ToList() ?? [];
        // A required field may stay empty on an older ticket, but an agent cannot empty one that has a value.
        var values = FieldRules.Normalise(fields, edit.Fields, errors, enforceRequired: false);
        foreach (var field in fields.Where(f => f.Required && !values.ContainsKey(f.Id)
                     && ticket.FieldValues.Any(v => v.FieldId == f.Id)))
            errors.Add(FieldRules.ErrorKey(field.Id), $"{field.Label} is required.");
        if (edit.Status != ticket.Status && edit.Status is TicketStatus.Resolved or TicketStatus.Closed
            && await pipeline.BeforeCloseAsync(db, ticket, ct) is { } missing)
            errors.Add(nameof(edit.Status), missing);
        var tags = edit.Tags is null ? null : TagRules.Clean(edit.Tags, errors);
        errors.ThrowIfAny();
        return new CheckedEdit(category, type, assigneeName, teamName, fields, values, tags);

    }

    /// <summary>Applies the checked edit to the change's ticket, recording one history entry for each value that moved.</summary>
    private static async Task ApplyEditAsync(TicketChange change, TicketEdit edit, CheckedEdit checkedEdit, CancellationToken ct)
    {
        var (db, ticket, now, actorId) = (change.Db, change.Ticket, change.Now, change.ActorId);
        var (category, type, assigneeName, teamName, fields, values, _) = checkedEdit;
        void Change(TicketEventKind kind, string subject, string? oldValue, string? newValue, bool isPublic) =>
            change.Record(new TicketEvent
            {
                TicketId = ticket.Id, At = now, ActorId = actorId, Kind = kind, IsPublic = isPublic, ByAgent = true,
                Subject = subject, OldValue = oldValue, NewValue = newValue,
            });

        if (edit.Status != ticket.Status)
        {
            change.Record(TicketEvent.StatusChange(ticket.Id, now, ticket.Status, edit.Status, actorId, byAgent: true));
            ticket.Status = edit.Status;
        }

        if (edit.Priority != ticket.Priority)
        {
            change.Record(TicketEvent.PriorityChange(ticket.Id, now, ticket.Priority, edit.Priority, actorId, byAgent: true));
            ticket.Priority = edit.Priority;
        }

        if (edit.CategoryId != ticket.CategoryId)
        {
            var oldName = await db.Categories.Where(c => c.Id == ticket.CategoryId).Select(c => c.Name).FirstAsync(ct);
            Change(TicketEventKind.CategoryChanged, "Category", oldName, category!.Name, true);
            ticket.CategoryId = edit.CategoryId;
        }

        if (edit.TypeId != ticket.TypeId)
        {
            var oldName = await db.TicketTypes.Where(t => t.Id == ticket.TypeId).Select(t => t.Name).FirstAsync(ct);
            Change(TicketEventKind.TypeChanged, "Type", oldName, type!.Name, false);
            ticket.TypeId = edit.TypeId;
        }

        if (edit.AssigneeId != ticket.AssigneeId)
        {
            var oldName = ticket.AssigneeId is null ? null
                : await db.Users.Where(u => u.Id == ticket.AssigneeId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
            Change(TicketEventKind.AssigneeChanged, "Assignee", oldName, assigneeName, true);
            ticket.AssigneeId = edit.AssigneeId;
        }

        if (edit.TeamId != ticket.TeamId)
        {
            var oldName = ticket.TeamId is null ? null
                : await db.Teams.Where(t => t.Id == ticket.TeamId).Select(t => t.Name).FirstOrDefaultAsync(ct);
            Change(TicketEventKind.TeamChanged, "Team", oldName, teamName, false);
            ticket.TeamId = edit.TeamId;
        }

        foreach (var field in fields)
        {
            var current = ticket.FieldValues.FirstOrDefault(v => v.FieldId == field.Id);
            values.TryGetValue(field.Id, out var next);
            if (current?.Value == next)
                continue;
            Change(TicketEventKind.FieldChanged, field.Label, current?.Value, next, field.VisibleToRequester);
            if (next is null)
                ticket.FieldValues.Remove(current!);
            else if (current is null)
                ticket.FieldValues.Add(new TicketFieldValue { FieldId = field.Id, Value = next });
            else
                current.Value = next;
        }

        if (checkedEdit.Tags is { } tags)
        {
            var before = ticket.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal).ToList();
            if (!before.SequenceEqual(tags))
            {
                Change(TicketEventKind.TagsChanged, "Tags", before.Count == 0 ? null : string.Join(", ", before), tags.Count == 0 ? null : string.Join(", ", tags), false);
                ticket.Tags.RemoveAll(t => !tags.Contains(t.Tag));
                foreach (var tag in tags.Where(t => !before.Contains(t)))
                    ticket.Tags.Add(new TicketTag { TicketId = ticket.Id, Tag = tag });
            }
        }
    }

    private static async Task<DeskConflictException> ConflictAsync(DeskDbContext db, Ticket ticket, CancellationToken ct)
    {
        var last = await db.TicketEvents.AsNoTracking().Where(e => e.TicketId == ticket.Id)
            .OrderByDescending(e => e.Id)
            .Select(e => new { e.At, Name = e.Actor != null ? e.Actor.DisplayName : "the system" })
            .FirstOrDefaultAsync(ct);
        var who = last is null ? "someone else" : $"{last.Name} at {last.At:yyyy-MM-dd HH:mm} UTC";
        return new DeskConflictException(
            $"{ticket.Key} was changed by {who} after you opened it. Nothing of yours was saved: " +
            "the current values are shown, your edits are kept beside them; review and save again.");
    }

    /// <summary>
    /// The people of the ticket's department named in a text as @name, name being the part of their email before the
    /// @ (so "@ivan.agent" for ivan.agent@example.org). Only staff of the department: a note never reaches anyone else.
    /// </summary>
    private static async Task<List<string>> MentionedAsync(DeskDbContext db, int departmentId, string text, CancellationToken ct)
    {
        var names = System.Text.RegularExpressions.Regex.Matches(text, @"(?<![\w.@])@([A-Za-z0-9._-]+[A-Za-z0-9])")
            .Select(m => m.Groups[1].Value.ToUpperInvariant()).ToHashSet();
        if (names.Count == 0)
            return [];
        var staff = await db.Users.AsNoTracking().Where(u => u.IsActive && u.Departments.Any(d => d.DepartmentId == departmentId))
            .Select(u => new { u.Id, u.NormalizedEmail }).ToListAsync(ct);
        return staff.Where(u => u.NormalizedEmail is { } e && e.Contains('@', StringComparison.Ordinal) && names.Contains(e[..e.IndexOf('@', StringComparison.Ordinal)]))
            .Select(u => u.Id).ToList();
    }

    /// <summary>
    /// A new assignee hears that the ticket is theirs; the requester (and watchers) hear when their request is
    /// resolved or waits for their answer. The person who made the change is never told of it.
    /// </summary>
    private async Task NotifyOfUpdateAsync(DeskDbContext db, Actor actor, Ticket ticket, string? assigneeBefore, TicketStatus statusBefore, DateTime now,
        CancellationToken ct)
    {
        if (ticket.AssigneeId is { } assignee && assignee != assigneeBefore)
            await notifications.AddAsync(db, [assignee], actor.UserId, ticket, $"assigned:{ticket.Id}:{ticket.Version}:{assignee}",
                Notifications.NotificationEvent.Assigned, $"Assigned to you by {actor.DisplayName}", now, ct);
        if (ticket.Status != statusBefore && ticket.Status is TicketStatus.Resolved or TicketStatus.PendingRequester && ticket.ParentId is null)
        {
            var told = (await db.TicketWatchers.Where(w => w.TicketId == ticket.Id).Select(w => w.UserId).ToListAsync(ct)).Append(ticket.RequesterId);
            await notifications.AddAsync(db, told, actor.UserId, ticket, $"status:{ticket.Id}:{ticket.Version}", Notifications.NotificationEvent.RequestUpdate,
                ticket.Status == TicketStatus.Resolved ? "Resolved" : "Waiting for your answer", now, ct);
        }
    }

    /// <summary>Assigns the ticket to the acting agent, whatever it was before, unless someone changed it meanwhile.</summary>
    public async Task<int> AssignToMeAsync(Actor actor, int ticketId, int expectedVersion, CancellationToken ct = default)
    {
        var current = await queries.GetAsync(actor, ticketId, ct);
        if (!current.StaffView)
            throw new DeskForbiddenException("Only agents of the department can take a ticket.");
        var edit = new TicketEdit(current.Status, current.Priority, current.CategoryId, current.TypeId, actor.UserId,
            current.TeamId, current.Fields.ToDictionary(f => f.FieldId, f => f.Value));
        return await UpdateAsync(actor, ticketId, expectedVersion, edit, ct);
    }

    public async Task SetWatcherAsync(Actor actor, int ticketId, string userId, bool watch, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ticket = await db.Tickets.Include(t => t.Watchers).FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || !actor.CanWorkIn(ticket.DepartmentId))
            throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not change it.");
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && u.IsActive, ct)
            ?? throw new DeskValidationException("Watcher", "No active user with that id.");
        var existing = ticket.Watchers.FirstOrDefault(w => w.UserId == userId);
        if (watch == (existing is not null))
            return;
        if (watch)
            ticket.Watchers.Add(new TicketWatcher { UserId = userId });
        else
            ticket.Watchers.Remove(existing!);
        var now = clock.GetUtcNow().UtcDateTime;
        var change = pipeline.Begin(db, ticket, actor.UserId, TicketChangeKind.Watchers, now);
        change.Record(new TicketEvent
        {
            TicketId = ticketId, At = now, ActorId = actor.UserId, ByAgent = true, IsPublic = false,
            Kind = watch ? TicketEventKind.WatcherAdded : TicketEventKind.WatcherRemoved,
            Subject = "Watcher", NewValue = user.DisplayName,
        });
        ticket.UpdatedAt = now;
        await pipeline.CommitAsync(change, tx, ct);
    }
}

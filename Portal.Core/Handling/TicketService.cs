using Portal.Core.Tickets;
using Portal.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Handling;

/// <summary>Files, reads and changes tickets. Every operation checks what the actor may do.</summary>
public sealed partial class TicketService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketPipeline pipeline,
    Notifications.NotificationService notifications)
{
    public Task<CreatedTicket> CreateAsync(Actor actor, NewTicketInput input, CancellationToken ct = default) =>
        CreateAsync(actor, input, null, ct);

    /// <summary>Files a request; <paramref name="alsoAdd"/> adds rows of its own (a complaint's record) in the same transaction.</summary>
    internal async Task<CreatedTicket> CreateAsync(Actor actor, NewTicketInput input, Action<DeskDbContext, Ticket>? alsoAdd,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var errors = new ValidationErrors();
        var title = input.Title?.Trim() ?? "";
        var description = input.Description?.Trim() ?? "";
        errors.Required(nameof(input.Title), title, "Title");
        errors.MaxLength(nameof(input.Title), title, TicketLimits.TitleMax, "Title");
        errors.Required(nameof(input.Description), description, "Description");
        errors.MaxLength(nameof(input.Description), description, TicketLimits.TextMax, "Description");

        var department = await db.Departments.AsNoTracking()
            .FirstOrDefaultAsync(d => d.Id == input.DepartmentId && d.IsActive, ct);
        if (department is null)
        {
            errors.Add(nameof(input.DepartmentId), $"Department {input.DepartmentId} does not exist or takes no requests.");
            errors.ThrowIfAny();
        }

        var category = await db.Categories.AsNoTracking().Include(c => c.Fields)
            .FirstOrDefaultAsync(c => c.Id == input.CategoryId && c.IsActive, ct);
        if (category is null || category.DepartmentId != department!.Id)
        {
            errors.Add(nameof(input.CategoryId), $"Category {input.CategoryId} is not a category of {department!.Name}.");
            errors.ThrowIfAny();
        }

        // Requesters fill in only the fields they are shown; staff filing on someone's behalf see them all.
        var formFields = category!.Fields.Where(f => f.IsActive && (f.VisibleToRequester || actor.CanWorkIn(department.Id)));
        var values = FieldRules.Normalise(formFields, input.Fields, errors);
        AttachmentRules.Check(input.Attachments, errors);

        var typeId = input.TypeId;
        if (typeId is { } requestedType)
        {
            if (!await db.TicketTypes.AnyAsync(t => t.Id == requestedType && t.IsActive, ct))
                errors.Add(nameof(input.TypeId), $"Type {requestedType} does not exist.");
        }
        else
        {
            typeId = await BuiltInTypes.IdAsync(db, TicketKind.Request, ct);
        }

        if (!Enum.IsDefined(input.Priority))
            errors.Add(nameof(input.Priority), $"Priority {input.Priority} does not exist.");

        var filingExtras = await pipeline.BeforeFilingAsync(db, actor, input, errors, ct);
        errors.ThrowIfAny();

        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 0; ; attempt++)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var change = await FileInTransactionAsync(db, actor.UserId, department.Id, category.Id, typeId!.Value, title, description, now,
                    (ticket, created) =>
                    {
                        AddAttachments(db, ticket.Id, created.Id, actor.UserId, input.Attachments, isPublic: true, now);
                        foreach (var add in filingExtras)
                            add(ticket);

                        alsoAdd?.Invoke(db, ticket);
                    }, ct, input.Priority, values);
                await tx.CommitAsync(ct);
                pipeline.Publish(change);
                return new CreatedTicket(change.Ticket.Id, change.Ticket.Key, department.Name);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                // Another request took the same number first; take the next one.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Adds a new ticket inside the caller's transaction: takes the department's next number and runs the filing through
    /// the pipeline (rules for a new ticket, notifications, its SLA). The caller commits, then publishes the change (and
    /// retries on a concurrency failure: another ticket took the number).
    /// </summary>
    internal async Task<TicketChange> FileInTransactionAsync(DeskDbContext db, string requesterId, int departmentId, int categoryId, int typeId,
        string title, string description, DateTime now, Action<Ticket, TicketEvent>? afterInsert, CancellationToken ct,
        TicketPriority priority = TicketPriority.Normal, IReadOnlyDictionary<int, string>? fields = null)
    {
        // On PostgreSQL the department's row is locked until the caller commits, so concurrent filings take their numbers
        // in turn; SQLite already lets one writing transaction in at a time (a lost race there is retried by the caller).
        var dept = db.Database.IsPostgres()
            ? await db.Departments.FromSql($"""SELECT * FROM "Departments" WHERE "Id" = {departmentId} FOR UPDATE""").FirstAsync(ct)
            : await db.Departments.FirstAsync(d => d.Id == departmentId, ct);
        var number = dept.NextTicketNumber;
        dept.NextTicketNumber++;
        var ticket = new Ticket
        {
            DepartmentId = dept.Id, Number = number, Key = $"{dept.Code}-{number}", Title = title, Description = description,
            CategoryId = categoryId, TypeId = typeId, Priority = priority, Status = TicketStatus.New, RequesterId = requesterId,
            CreatedAt = now, UpdatedAt = now, Version = 1,
        };
        ticket.FieldValues.AddRange((fields ?? new Dictionary<int, string>()).Select(v => new TicketFieldValue { FieldId = v.Key, Value = v.Value }));
        db.Tickets.Add(ticket);
        var change = pipeline.Begin(db, ticket, requesterId, TicketChangeKind.Created, now);
        var created = new TicketEvent
        {
            At = now, ActorId = requesterId, Kind = TicketEventKind.Created, IsPublic = true, Body = description, NewValue = title,
        };
        change.Record(created);
        change.Triggers.Add(Routing.RuleTrigger.Created);
        change.RuleText = $"{title}\n{description}";
        if (afterInsert is not null)
            change.AfterFirstWrite(() => afterInsert(ticket, created));
        await pipeline.RunAsync(change, ct);
        return change;
    }

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
            t.Team != null ? t.Team.Name : null, t.CreatedAt, t.UpdatedAt) { EscalationLevel = t.EscalationLevel });

    /// <summary>The ticket as the actor may see it; not found when the actor may not see it at all.</summary>
    public async Task<TicketDetails> GetAsync(Actor actor, int ticketId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var t = await db.Tickets.AsNoTracking()
            .Include(x => x.Department).Include(x => x.Category).Include(x => x.Type)
            .Include(x => x.Requester).Include(x => x.Assignee).Include(x => x.Team)
            .Include(x => x.FieldValues)
            .Include(x => x.Watchers).ThenInclude(w => w.User)
            .AsSplitQuery()
            .FirstOrDefaultAsync(x => x.Id == ticketId, ct);
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

        var attachments = await db.Attachments.AsNoTracking()
            .Where(a => a.TicketId == ticketId && (staff || a.IsPublic))
            .OrderBy(a => a.Id)
            .Select(a => new { a.EventId, View = new AttachmentView(a.Id, a.FileName, a.Size, a.IsPublic, a.UploadedAt) })
            .ToListAsync(ct);
        var events = await db.TicketEvents.AsNoTracking()
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

    /// <summary>
    /// Adds a public reply or (staff only) an internal note. A requester's reply reopens a resolved request
    /// and takes a request waiting on them back to Open; an agent's first public reply opens a new ticket.
    /// </summary>
    public async Task ReplyAsync(Actor actor, int ticketId, string body, bool isPublic,
        IReadOnlyList<NewAttachment> attachments, CancellationToken ct = default)
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
        if (attachments.Count > 0)
            change.AfterFirstWrite(() => AddAttachments(db, ticket.Id, reply.Id, actor.UserId, attachments, isPublic, now));
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
        var ticket = await db.Tickets.Include(t => t.FieldValues).FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || !actor.CanWorkIn(ticket.DepartmentId))
            throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not change it.");
        if (ticket.Version != expectedVersion)
            throw await ConflictAsync(db, ticket, ct);

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
        errors.ThrowIfAny();

        var now = clock.GetUtcNow().UtcDateTime;
        var change = pipeline.Begin(db, ticket, actor.UserId, TicketChangeKind.Updated, now);
        void Change(TicketEventKind kind, string subject, string? oldValue, string? newValue, bool isPublic) =>
            change.Record(new TicketEvent
            {
                TicketId = ticket.Id, At = now, ActorId = actor.UserId, Kind = kind, IsPublic = isPublic, ByAgent = true,
                Subject = subject, OldValue = oldValue, NewValue = newValue,
            });

        if (edit.Status != ticket.Status)
        {
            change.Record(TicketEvent.StatusChange(ticket.Id, now, ticket.Status, edit.Status, actor.UserId, byAgent: true));
            ticket.Status = edit.Status;
        }

        if (edit.Priority != ticket.Priority)
        {
            change.Record(TicketEvent.PriorityChange(ticket.Id, now, ticket.Priority, edit.Priority, actor.UserId, byAgent: true));
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
        var current = await GetAsync(actor, ticketId, ct);
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

    private static void AddAttachments(DeskDbContext db, int ticketId, long eventId, string userId,
        IReadOnlyList<NewAttachment> files, bool isPublic, DateTime now)
    {
        foreach (var f in files)
        {
            db.Attachments.Add(new Attachment
            {
                TicketId = ticketId, EventId = eventId, FileName = Path.GetFileName(f.FileName),
                ContentType = AttachmentRules.ContentTypeFor(f.FileName), Size = f.Data.LongLength,
                UploadedAt = now, UploadedById = userId, IsPublic = isPublic,
                Content = new AttachmentContent { Data = f.Data },
            });
        }
    }
}

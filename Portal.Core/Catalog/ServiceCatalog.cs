using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Core.Catalog;

public sealed record CatalogItemView(int Id, string Name, string Description, string DepartmentName, IReadOnlyList<string> TaskDepartments);

/// <summary>An item's request form: its fields (the requester-visible custom fields of its category).</summary>
public sealed record CatalogForm(CatalogItemView Item, IReadOnlyList<FieldDefinition> Fields);

/// <summary>
/// One task of a request as its reader may see it: staff of the task's department open it; everyone else (the requester,
/// staff of the parent's department) reads its department, title and state only.
/// </summary>
public sealed record TaskProgress(int Id, string Key, string Title, string Department, TicketStatus Status, string? AssigneeName, string? WaitsForKey,
    bool CanOpen)
{
    public bool Done => Status is TicketStatus.Resolved or TicketStatus.Closed;
}

/// <summary>
/// The service catalog: items that several departments work on at once. Requesting an item files the request (the
/// parent) and every task of its template in one transaction; a task that waits for another starts in
/// <see cref="TicketStatus.Waiting"/> (every SLA clock paused) and becomes New when the other is done; the parent
/// resolves when its last task is done (or its assignee is told, by the item's setting).
/// </summary>
public sealed class ServiceCatalog(IDbContextFactory<DeskDbContext> dbFactory, TicketFiling filing, TicketPipeline pipeline, TimeProvider clock)
{
    public const string TaskCategoryName = "Service catalog tasks";

    public async Task<IReadOnlyList<CatalogItemView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var items = await db.CatalogItems.AsNoTracking().Include(i => i.Tasks).Where(i => i.IsActive).OrderBy(i => i.Name).ToListAsync(ct);
        return items.Select(i => View(i, departments)).ToList();
    }

    public async Task<CatalogForm> GetFormAsync(int itemId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var item = await db.CatalogItems.AsNoTracking().Include(i => i.Tasks).FirstOrDefaultAsync(i => i.Id == itemId && i.IsActive, ct)
            ?? throw new DeskNotFoundException($"Catalog item {itemId} does not exist or is not offered any more.");
        var departments = await db.Departments.AsNoTracking().ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var fields = await db.CustomFields.AsNoTracking().Where(f => f.CategoryId == item.CategoryId && f.IsActive && f.VisibleToRequester)
            .OrderBy(f => f.SortOrder).ToListAsync(ct);
        return new CatalogForm(View(item, departments), fields.Select(f => new FieldDefinition(f.Id, f.Label, f.Kind, f.Required, f.VisibleToRequester,
            f.OptionList, f.SortOrder)).ToList());
    }

    /// <summary>Files the request and its tasks at once; returns the request (the parent).</summary>
    public async Task<CreatedTicket> RequestAsync(Actor actor, int itemId, IReadOnlyDictionary<int, string?> fields, string? note,
        CancellationToken ct = default)
    {
        var form = await GetFormAsync(itemId, ct);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var item = await db.CatalogItems.AsNoTracking().Include(i => i.Tasks).FirstAsync(i => i.Id == itemId, ct);
        var errors = new ValidationErrors();
        var category = await db.Categories.AsNoTracking().Include(c => c.Fields).FirstAsync(c => c.Id == item.CategoryId, ct);
        var values = FieldRules.Normalise(category.Fields.Where(f => f.IsActive && f.VisibleToRequester), fields, errors);
        note = note?.Trim();
        errors.MaxLength("Note", note, TicketLimits.TextMax, "Anything else");
        errors.ThrowIfAny();

        var typeId = await BuiltInTypes.IdAsync(db, TicketKind.Request, ct);
        var taskCategories = new Dictionary<int, int>();
        foreach (var departmentId in item.Tasks.Select(t => t.DepartmentId).Distinct())
            taskCategories[departmentId] = await TaskCategoryAsync(db, departmentId, ct);
        var summary = string.Join("\n", form.Fields.Where(f => values.ContainsKey(f.Id)).Select(f => $"{f.Label}: {values[f.Id]}"));
        var description = string.Join("\n\n", new[] { item.Description, summary, note }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var headline = form.Fields.Where(f => values.ContainsKey(f.Id)).Select(f => values[f.Id]).FirstOrDefault();
        var title = headline is null ? item.Name : $"{item.Name}: {headline}";
        if (title.Length > TicketLimits.TitleMax)
            title = title[..TicketLimits.TitleMax];

        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 0; ; attempt++)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var filed = new List<TicketChange>();
                var parentChange = await filing.FileInTransactionAsync(db, actor.UserId, item.DepartmentId, item.CategoryId, typeId, title, description, now,
                    (t, _) => t.CatalogItemId = item.Id, ct, fields: values);
                filed.Add(parentChange);
                var parent = parentChange.Ticket;
                var byOrder = new Dictionary<int, Ticket>();
                foreach (var task in item.Tasks.OrderBy(t => t.Order))
                {
                    var waitsFor = task.WaitsForOrder is { } o && byOrder.TryGetValue(o, out var before) ? before : null;
                    var taskChange = await filing.FileInTransactionAsync(db, actor.UserId, task.DepartmentId, taskCategories[task.DepartmentId], typeId,
                        $"{task.Title} ({parent.Key})", $"{task.Description}\n\nPart of {parent.Key}: {title}.\n{summary}".Trim(), now,
                        (t, created) =>
                        {
                            t.ParentId = parent.Id;
                            t.WaitsForId = waitsFor?.Id;
                            if (waitsFor is not null)
                                Wait(db, t, waitsFor.Key, now);
                            else if (parent.Status == TicketStatus.AwaitingApproval)
                                Wait(db, t, $"the approval of {parent.Key}", now);
                        }, ct);
                    filed.Add(taskChange);
                    byOrder[task.Order] = taskChange.Ticket;
                }

                await tx.CommitAsync(ct);
                foreach (var change in filed)
                    pipeline.Publish(change);
                return new CreatedTicket(parent.Id, parent.Key, form.Item.DepartmentName);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The tasks of a request, in order: for its requester, staff of its department and staff of the tasks' departments.</summary>
    public async Task<IReadOnlyList<TaskProgress>> TasksAsync(Actor actor, int parentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var parent = await db.Tickets.AsNoTracking().Where(t => t.Id == parentId)
            .Select(t => new { t.RequesterId, t.DepartmentId, Watchers = t.Watchers.Select(w => w.UserId).ToList() }).FirstOrDefaultAsync(ct)
            ?? throw new DeskNotFoundException($"Request {parentId} does not exist or you may not see it.");
        var rows = await db.Tickets.AsNoTracking().Where(t => t.ParentId == parentId).OrderBy(t => t.Id)
            .Select(t => new
            {
                t.Id, t.Key, t.Title, t.DepartmentId, Department = t.Department!.Name, t.Status, Assignee = t.Assignee != null ? t.Assignee.DisplayName : null,
                WaitsFor = db.Tickets.Where(w => w.Id == t.WaitsForId).Select(w => w.Key).FirstOrDefault(),
            }).ToListAsync(ct);
        // Who may see the request, and staff of any of its tasks' departments (they work a part of it).
        var mayRead = TicketAccess.MaySee(actor, parent.DepartmentId, parent.RequesterId, parent.Watchers)
            || rows.Any(r => TicketAccess.MayWork(actor, r.DepartmentId));
        if (!mayRead)
            throw new DeskNotFoundException($"Request {parentId} does not exist or you may not see it.");
        return rows.Select(r => new TaskProgress(r.Id, r.Key, r.Title, r.Department, r.Status, r.Assignee, r.WaitsFor, actor.CanWorkIn(r.DepartmentId)))
            .ToList();
    }

    /// <summary>
    /// After a task's status changed inside its unit of work: when it is done, the tasks waiting for it start (New), and
    /// when every task of its request is done, the request resolves (or its assignee is told). Returns the other tickets it
    /// changed; the pipeline saves them, keeps their SLA and announces them.
    /// </summary>
    internal static async Task<List<Ticket>> AfterTaskChangedAsync(DeskDbContext db, Ticket task,
        Notifications.NotificationService notifications, DateTime now, CancellationToken ct)
    {
        var changed = new List<Ticket>();
        if (task.ParentId is not { } parentId || !IsDone(task.Status))
            return changed;
        var waiting = await db.Tickets.Where(t => t.WaitsForId == task.Id && t.Status == TicketStatus.Waiting).ToListAsync(ct);
        foreach (var next in waiting)
        {
            db.TicketEvents.Add(TicketEvent.StatusChange(next.Id, now, TicketStatus.Waiting, TicketStatus.New, note: $"{task.Key} is done."));
            next.Status = TicketStatus.New;
            next.Version++;
            next.UpdatedAt = now;
            changed.Add(next);
        }

        var parent = await db.Tickets.FirstAsync(t => t.Id == parentId, ct);
        var open = await db.Tickets.CountAsync(t => t.ParentId == parentId && t.Id != task.Id
            && t.Status != TicketStatus.Resolved && t.Status != TicketStatus.Closed, ct);
        if (open == 0 && !IsDone(parent.Status))
        {
            var resolve = await db.CatalogItems.Where(i => i.Id == parent.CatalogItemId).Select(i => (bool?)i.ResolveWhenTasksDone).FirstOrDefaultAsync(ct) ?? true;
            if (resolve)
            {
                db.TicketEvents.Add(TicketEvent.StatusChange(parent.Id, now, parent.Status, TicketStatus.Resolved, note: "Every task is done."));
                parent.Status = TicketStatus.Resolved;
                parent.Version++;
                parent.UpdatedAt = now;
                changed.Add(parent);
                await notifications.AddAsync(db, [parent.RequesterId], null, parent, $"status:{parent.Id}:{parent.Version}",
                    Notifications.NotificationEvent.RequestUpdate, "Resolved: every part of your request is done", now, ct);
            }
            else if (parent.AssigneeId is { } assignee)
            {
                await notifications.AddAsync(db, [assignee], null, parent, $"tasks-done:{parent.Id}", Notifications.NotificationEvent.RequestUpdate,
                    "Every task is done: check the request and resolve it", now, ct);
            }
        }

        return changed;
    }

    private static bool IsDone(TicketStatus status) => status is TicketStatus.Resolved or TicketStatus.Closed;

    /// <summary>A new task that waits: its status and the history entry that says for what.</summary>
    private static void Wait(DeskDbContext db, Ticket task, string forKey, DateTime now)
    {
        task.Status = TicketStatus.Waiting;
        db.TicketEvents.Add(TicketEvent.StatusChange(task.Id, now, TicketStatus.New, TicketStatus.Waiting, note: $"Waits for {forKey}."));
    }

    private static async Task<int> TaskCategoryAsync(DeskDbContext db, int departmentId, CancellationToken ct)
    {
        var category = await db.Categories.FirstOrDefaultAsync(c => c.DepartmentId == departmentId && c.Purpose == CategoryPurpose.CatalogTasks, ct);
        if (category is null)
        {
            category = new Category
            {
                DepartmentId = departmentId, Name = TaskCategoryName, Purpose = CategoryPurpose.CatalogTasks, Description = "Tasks of service catalog requests.",
            };
            db.Categories.Add(category);
            await db.SaveChangesAsync(ct);
        }

        return category.Id;
    }

    private static CatalogItemView View(CatalogItem i, IReadOnlyDictionary<int, string> departments) =>
        new(i.Id, i.Name, i.Description, departments.GetValueOrDefault(i.DepartmentId, "?"),
            i.Tasks.OrderBy(t => t.Order).Select(t => departments.GetValueOrDefault(t.DepartmentId, "?")).Distinct().ToList());
}

public sealed record CatalogTaskInput(int DepartmentId, string? Title, string? Description, int? WaitsForOrder);

/// <summary>A catalog item as admins edit it; tasks in order (their position + 1 is their order).</summary>
public sealed record CatalogItemInput(int? Id, string? Name, string? Description, int DepartmentId, bool IsActive, bool ResolveWhenTasksDone,
    IReadOnlyList<CatalogTaskInput> Tasks)
{
    /// <summary>The item's own category in its department, whose fields are its form (null for a new item).</summary>
    public int? CategoryId { get; init; }
}

public sealed record CatalogItemRow(int Id, string Name, string DepartmentName, int TaskCount, bool IsActive);

/// <summary>Admins shape the catalog: items, their owning department, their tasks and what waits for what.</summary>
public sealed class CatalogAdmin(IDbContextFactory<DeskDbContext> dbFactory)
{
    public async Task<IReadOnlyList<CatalogItemRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return await db.CatalogItems.AsNoTracking().OrderBy(i => i.Name)
            .Select(i => new CatalogItemRow(i.Id, i.Name, db.Departments.Where(d => d.Id == i.DepartmentId).Select(d => d.Name).First(), i.Tasks.Count, i.IsActive))
            .ToListAsync(ct);
    }

    public async Task<CatalogItemInput> GetAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var item = await db.CatalogItems.AsNoTracking().Include(i => i.Tasks).FirstOrDefaultAsync(i => i.Id == id, ct)
            ?? throw new DeskNotFoundException($"Catalog item {id} does not exist.");
        return new CatalogItemInput(item.Id, item.Name, item.Description, item.DepartmentId, item.IsActive, item.ResolveWhenTasksDone,
            item.Tasks.OrderBy(t => t.Order).Select(t => new CatalogTaskInput(t.DepartmentId, t.Title, t.Description, t.WaitsForOrder)).ToList())
        {
            CategoryId = item.CategoryId,
        };
    }

    /// <summary>
    /// Creates or changes an item. A new item gets its own category (its form) in its department. The task template is
    /// replaced as a whole; requests made before keep their tasks. A task waits only for one before it, so no loop can form.
    /// </summary>
    public async Task<int> SaveAsync(Actor actor, CatalogItemInput input, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        errors.Required(nameof(input.Name), name, "Name");
        errors.MaxLength(nameof(input.Name), name, 120, "Name");
        errors.MaxLength(nameof(input.Description), input.Description?.Trim(), 1000, "Description");
        if (name.Length > 0 && await db.CatalogItems.AnyAsync(i => i.Name == name && i.Id != input.Id, ct))
            errors.Add(nameof(input.Name), $"Name: there is already an item called {name}.");
        var departments = await db.Departments.Where(d => d.IsActive).Select(d => d.Id).ToListAsync(ct);
        if (!departments.Contains(input.DepartmentId))
            errors.Add(nameof(input.DepartmentId), "Department: choose the department that handles the request.");
        if (input.Tasks.Count == 0)
            errors.Add(nameof(input.Tasks), "Tasks: an item needs at least one task.");
        for (var i = 0; i < input.Tasks.Count; i++)
        {
            var task = input.Tasks[i];
            errors.Required($"Tasks[{i}].Title", task.Title?.Trim(), $"Task {i + 1}: title");
            errors.MaxLength($"Tasks[{i}].Title", task.Title?.Trim(), 200, $"Task {i + 1}: title");
            if (!departments.Contains(task.DepartmentId))
                errors.Add($"Tasks[{i}].DepartmentId", $"Task {i + 1}: choose a department.");
            if (task.WaitsForOrder is { } w && (w < 1 || w > i))
                errors.Add($"Tasks[{i}].WaitsForOrder", $"Task {i + 1}: it can wait only for a task above it.");
        }

        errors.ThrowIfAny();
        CatalogItem item;
        if (input.Id is { } id)
        {
            item = await db.CatalogItems.Include(i => i.Tasks).FirstOrDefaultAsync(i => i.Id == id, ct)
                ?? throw new DeskNotFoundException($"Catalog item {id} does not exist.");
            if (item.DepartmentId != input.DepartmentId)
                throw new DeskValidationException(nameof(input.DepartmentId), "Department: an item's form lives in its department; make a new item to move it.");
            db.CatalogTasks.RemoveRange(item.Tasks);
            item.Tasks.Clear();
        }
        else
        {
            item = new CatalogItem { DepartmentId = input.DepartmentId };
            item.Category = new Category { DepartmentId = input.DepartmentId, Name = name, Description = input.Description?.Trim() ?? "" };
            db.CatalogItems.Add(item);
        }

        item.Name = name;
        item.Description = input.Description?.Trim() ?? "";
        item.IsActive = input.IsActive;
        item.ResolveWhenTasksDone = input.ResolveWhenTasksDone;
        item.Tasks.AddRange(input.Tasks.Select((t, i) => new CatalogTask
        {
            Order = i + 1, DepartmentId = t.DepartmentId, Title = t.Title!.Trim(), Description = t.Description?.Trim() ?? "", WaitsForOrder = t.WaitsForOrder,
        }));
        await db.SaveChangesAsync(ct);
        return item.Id;
    }
}

/// <summary>
/// The service catalog's part of every ticket change: a task whose status changed moves its request along
/// (<see cref="ServiceCatalog.AfterTaskChangedAsync"/>), and the request's open pages read its progress again.
/// </summary>
internal sealed class CatalogTaskHook(Notifications.NotificationService notifications) : ITicketHook
{
    public async Task AfterChangeAsync(TicketChange change, CancellationToken ct)
    {
        var task = change.Ticket;
        if (task.ParentId is not { } parentId)
            return;
        if (change.StatusChanged)
            change.AlsoChanged.AddRange(await ServiceCatalog.AfterTaskChangedAsync(change.Db, task, notifications, change.Now, ct));
        var parentDepartment = await change.Db.Tickets.Where(t => t.Id == parentId).Select(t => t.DepartmentId).FirstAsync(ct);
        change.AlsoAnnounced.Add((parentId, parentDepartment));
    }
}

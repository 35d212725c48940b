using Portal.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Core.Assets;

/// <summary>
/// The asset registry. Agents and supervisors manage the assets of their departments (admins all of them);
/// a requester sees only the assets assigned to them, and may name any asset by its tag when reporting a problem.
/// </summary>
public sealed class AssetService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketPipeline pipeline,
    IOptions<AssetOptions> options, Notifications.WebhookSubscriptionCache webhooks)
{
    public const int MaxPageSize = 100;
    private AssetOptions Rules => options.Value;

    public async Task<IReadOnlyList<AssetTypeView>> ListTypesAsync(bool activeOnly = true, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var types = await db.AssetTypes.AsNoTracking().Include(t => t.Fields)
            .Where(t => !activeOnly || t.IsActive).OrderBy(t => t.Name).ToListAsync(ct);
        return types.Select(ToView).ToList();
    }

    /// <summary>Adds a type or renames / retires one; admins only.</summary>
    public async Task<int> SaveTypeAsync(Actor actor, int? id, string? name, bool isActive, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
            throw new DeskForbiddenException("Only admins shape asset types.");
        name = name?.Trim() ?? "";
        var errors = new ValidationErrors();
        errors.Required("Name", name, "Name");
        errors.MaxLength("Name", name, 100, "Name");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (name.Length > 0 && await db.AssetTypes.AnyAsync(t => t.Name == name && t.Id != id, ct))
            errors.Add("Name", $"There is already an asset type called {name}.");
        errors.ThrowIfAny();
        var type = id is { } existing
            ? await db.AssetTypes.FirstOrDefaultAsync(t => t.Id == existing, ct) ?? throw new DeskNotFoundException($"Asset type {existing} does not exist.")
            : db.AssetTypes.Add(new AssetType()).Entity;
        type.Name = name;
        type.IsActive = isActive;
        await db.SaveChangesAsync(ct);
        return type.Id;
    }

    /// <summary>Adds or changes a custom field of an asset type; admins only. A field is retired, never deleted, so old values stay readable.</summary>
    public async Task<int> SaveFieldAsync(Actor actor, int typeId, FieldDefinition field, bool isActive, CancellationToken ct = default)
    {
        if (!actor.IsAdmin)
            throw new DeskForbiddenException("Only admins shape asset types.");
        var errors = new ValidationErrors();
        var label = field.Label?.Trim() ?? "";
        errors.Required("Label", label, "Label");
        errors.MaxLength("Label", label, 100, "Label");
        if (AssetCsv.Columns.Contains(label, StringComparer.OrdinalIgnoreCase))
            errors.Add("Label", $"{label} is already a column of every asset; pick another label.");
        if (!Enum.IsDefined(field.Kind))
            errors.Add("Kind", $"Kind {field.Kind} does not exist.");
        if (field.Kind == FieldKind.Choice && field.Options.Count == 0)
            errors.Add("Options", "A choice field needs at least one option.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        if (!await db.AssetTypes.AnyAsync(t => t.Id == typeId, ct))
            throw new DeskNotFoundException($"Asset type {typeId} does not exist.");
        if (await db.AssetFields.AnyAsync(f => f.AssetTypeId == typeId && f.Label == label && f.Id != field.Id, ct))
            errors.Add("Label", $"This type already has a field called {label}.");
        errors.ThrowIfAny();
        var entity = field.Id > 0
            ? await db.AssetFields.FirstOrDefaultAsync(f => f.Id == field.Id && f.AssetTypeId == typeId, ct)
              ?? throw new DeskNotFoundException($"Field {field.Id} is not a field of this type.")
            : db.AssetFields.Add(new AssetField { AssetTypeId = typeId, SortOrder = await db.AssetFields.CountAsync(f => f.AssetTypeId == typeId, ct) }).Entity;
        entity.Label = label;
        entity.Kind = field.Kind;
        entity.Required = field.Required;
        entity.Options = string.Join('\n', field.Options);
        entity.IsActive = isActive;
        await db.SaveChangesAsync(ct);
        return entity.Id;
    }

    internal static AssetTypeView ToView(AssetType t) => new(t.Id, t.Name, t.IsActive, t.Fields.Where(f => f.IsActive)
        .OrderBy(f => f.SortOrder).ThenBy(f => f.Id)
        .Select(f => new FieldDefinition(f.Id, f.Label, f.Kind, f.Required, true, f.OptionList, f.SortOrder)).ToList());

    private static IQueryable<Asset> Visible(DeskDbContext db, Actor actor)
    {
        if (actor.IsAdmin)
            return db.Assets.AsNoTracking();
        if (!actor.IsStaff)
            throw new DeskForbiddenException("Only agents, supervisors and admins work with the asset registry.");
        var departments = actor.DepartmentIds.ToList();
        return db.Assets.AsNoTracking().Where(a => departments.Contains(a.DepartmentId));
    }

    internal IQueryable<Asset> Filter(DeskDbContext db, Actor actor, AssetQuery q)
    {
        var query = Visible(db, actor);
        if (!string.IsNullOrWhiteSpace(q.Text))
            query = Search(db, query, q.Text.Trim());
        if (q.TypeId is { } typeId)
            query = query.Where(a => a.TypeId == typeId);
        if (q.Status is { } status)
            query = query.Where(a => a.Status == status);
        else
            query = query.Where(a => a.Status != AssetStatus.Retired || q.RepeatFailuresOnly);
        if (q.DepartmentId is { } departmentId)
            query = query.Where(a => a.DepartmentId == departmentId);
        if (!string.IsNullOrWhiteSpace(q.Site))
            query = query.Where(a => a.Site == q.Site);
        if (q.Building is not null)
            query = query.Where(a => a.Building == q.Building);
        if (q.WarrantyWithinDays is { } asked)
        {
            var today = Today;
            var until = today.AddDays(Math.Clamp(asked, 0, 36_500)); // any number of days: a far-off one means "any time"
            query = query.Where(a => a.WarrantyEnd >= today && a.WarrantyEnd <= until);
        }

        if (q.RepeatFailuresOnly)
        {
            // From the links' side: the tickets of the window, grouped by asset, rather than a count under every asset.
            var since = Now.AddDays(-Rules.RepeatFailureWindowDays);
            var count = Rules.RepeatFailureCount;
            var failing = db.TicketAssets.Where(l => l.Ticket!.CreatedAt >= since && l.Ticket.Type!.Kind != TicketKind.Maintenance)
                .GroupBy(l => l.AssetId).Where(g => g.Count() > count).Select(g => g.Key);
            query = query.Where(a => failing.Contains(a.Id));
        }

        return query;
    }

    /// <summary>
    /// The search box: an exact tag or serial (a scanned label) through their indexes; the assigned person's name or
    /// email; or any part of the asset's own text. On SQLite the text is found through the trigram index
    /// (AssetSearch, kept by triggers), so a search does not read every asset; elsewhere, and for fewer than three
    /// characters, with LIKE.
    /// </summary>
    private static IQueryable<Asset> Search(DeskDbContext db, IQueryable<Asset> query, string text)
    {
        var key = text.ToUpperInvariant();
        var lowered = text.ToLowerInvariant();
        var people = db.Users.Where(u => u.DisplayName.ToLower().Contains(lowered) || u.NormalizedEmail == key).Select(u => (string?)u.Id);
        if (lowered.Length >= 3 && db.Database.IsSqlite())
        {
            var phrase = "\"" + lowered.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            var matches = db.Database.SqlQuery<int>($"SELECT rowid AS Value FROM AssetSearch WHERE AssetSearch MATCH {phrase}");
            return query.Where(a => a.TagKey == key || a.Serial == text || matches.Contains(a.Id) || people.Contains(a.AssignedToId));
        }

        return query.Where(a => a.TagKey == key || a.Serial == text || a.SearchText.Contains(lowered) || people.Contains(a.AssignedToId));
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
    private DateOnly Today => DateOnly.FromDateTime(Now);

    public async Task<PagedResult<AssetSummary>> QueryAsync(Actor actor, AssetQuery q, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var query = Filter(db, actor, q);
        var page = Math.Max(1, q.Page);
        var pageSize = Math.Clamp(q.PageSize, 1, MaxPageSize);
        var total = await query.CountAsync(ct);
        var rows = await Summaries(Sort(query, q.Sort, q.Descending).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new PagedResult<AssetSummary>(await WithTicketCountsAsync(db, rows, ct), total, page, pageSize);
    }

    internal static IOrderedQueryable<Asset> Sort(IQueryable<Asset> query, AssetSort sort, bool descending) => (sort, descending) switch
    {
        (AssetSort.Name, false) => query.OrderBy(a => a.Name).ThenBy(a => a.TagKey),
        (AssetSort.Name, true) => query.OrderByDescending(a => a.Name).ThenBy(a => a.TagKey),
        (AssetSort.Type, false) => query.OrderBy(a => a.Type!.Name).ThenBy(a => a.TagKey),
        (AssetSort.Type, true) => query.OrderByDescending(a => a.Type!.Name).ThenBy(a => a.TagKey),
        (AssetSort.Status, false) => query.OrderBy(a => a.Status).ThenBy(a => a.TagKey),
        (AssetSort.Status, true) => query.OrderByDescending(a => a.Status).ThenBy(a => a.TagKey),
        (AssetSort.Location, false) => query.OrderBy(a => a.Site).ThenBy(a => a.Building).ThenBy(a => a.Floor).ThenBy(a => a.Room).ThenBy(a => a.TagKey),
        (AssetSort.Location, true) => query.OrderByDescending(a => a.Site).ThenByDescending(a => a.Building).ThenByDescending(a => a.Floor)
            .ThenByDescending(a => a.Room).ThenBy(a => a.TagKey),
        (AssetSort.WarrantyEnd, false) => query.OrderBy(a => a.WarrantyEnd == null).ThenBy(a => a.WarrantyEnd).ThenBy(a => a.TagKey),
        (AssetSort.WarrantyEnd, true) => query.OrderBy(a => a.WarrantyEnd == null).ThenByDescending(a => a.WarrantyEnd).ThenBy(a => a.TagKey),
        (AssetSort.Updated, false) => query.OrderBy(a => a.UpdatedAt).ThenBy(a => a.Id),
        (AssetSort.Updated, true) => query.OrderByDescending(a => a.UpdatedAt).ThenByDescending(a => a.Id),
        (_, false) => query.OrderBy(a => a.TagKey),
        _ => query.OrderByDescending(a => a.TagKey),
    };

    internal static IQueryable<AssetSummary> Summaries(IQueryable<Asset> query) =>
        query.Select(a => new AssetSummary(a.Id, a.Tag, a.Name, a.Type!.Name, a.Status, a.Department!.Name,
            a.AssignedTo != null ? a.AssignedTo.DisplayName : null, a.Site, a.Building, a.Floor, a.Room, a.WarrantyEnd));

    private async Task<IReadOnlyList<AssetSummary>> WithTicketCountsAsync(DeskDbContext db, List<AssetSummary> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.Id).ToList();
        var since = Now.AddDays(-Rules.RepeatFailureWindowDays);
        var counts = await db.TicketAssets.AsNoTracking().Where(l => ids.Contains(l.AssetId))
            .GroupBy(l => l.AssetId)
            .Select(g => new
            {
                AssetId = g.Key,
                Open = g.Count(l => l.Ticket!.Status != TicketStatus.Resolved && l.Ticket.Status != TicketStatus.Closed),
                Incidents = g.Count(l => l.Ticket!.CreatedAt >= since && l.Ticket.Type!.Kind != TicketKind.Maintenance),
            })
            .ToDictionaryAsync(x => x.AssetId, ct);
        return rows.Select(r => counts.TryGetValue(r.Id, out var c)
            ? r with { OpenTickets = c.Open, RepeatFailure = c.Incidents > Rules.RepeatFailureCount }
            : r).ToList();
    }

    /// <summary>Sites and buildings with how many assets (not retired) each holds, for the facilities view.</summary>
    public async Task<IReadOnlyList<LocationCount>> ListLocationsAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var rows = await Visible(db, actor).Where(a => a.Status != AssetStatus.Retired)
            .GroupBy(a => new { a.Site, a.Building })
            .Select(g => new { g.Key.Site, g.Key.Building, Assets = g.Count(), InRepair = g.Count(a => a.Status == AssetStatus.InRepair) })
            .OrderBy(l => l.Site).ThenBy(l => l.Building)
            .ToListAsync(ct);
        return rows.Select(r => new LocationCount(r.Site, r.Building, r.Assets, r.InRepair)).ToList();
    }

    public async Task<AssetDetails> GetAsync(Actor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var a = await db.Assets.AsNoTracking().Include(x => x.Type).Include(x => x.Department).Include(x => x.AssignedTo)
            .Include(x => x.FieldValues).AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
        var canEdit = a is not null && actor.CanWorkIn(a.DepartmentId);
        if (a is null || (!canEdit && a.AssignedToId != actor.UserId))
            throw new DeskNotFoundException($"Asset {id} does not exist or you may not see it.");
        var fields = await db.AssetFields.AsNoTracking()
            .Where(f => f.AssetTypeId == a.TypeId && (f.IsActive || a.FieldValues.Select(v => v.FieldId).Contains(f.Id)))
            .OrderBy(f => f.SortOrder).ThenBy(f => f.Id).ToListAsync(ct);
        return new AssetDetails(a.Id, a.Tag, a.Serial, a.Name, a.TypeId, a.Type!.Name, a.Make, a.Model, a.Site, a.Building, a.Floor, a.Room,
            a.DepartmentId, a.Department!.Name, a.AssignedTo is null ? null : new PersonRef(a.AssignedTo.Id, a.AssignedTo.DisplayName),
            a.Status, a.PurchaseDate, a.WarrantyEnd, a.Notes, a.CreatedAt, a.UpdatedAt, a.Version, canEdit,
            fields.Select(f => new FieldValueView(f.Id, f.Label, f.Kind, f.Required, true, f.OptionList,
                a.FieldValues.FirstOrDefault(v => v.FieldId == f.Id)?.Value)).ToList());
    }

    public async Task<int> CreateAsync(Actor actor, AssetInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var errors = new ValidationErrors();
        var clean = await CheckAsync(db, actor, input, null, errors, ct);
        errors.ThrowIfAny();
        var now = Now;
        var asset = new Asset { CreatedAt = now, Version = 1 };
        Apply(asset, clean, input, now);
        asset.FieldValues.AddRange(clean.Fields.Select(f => new AssetFieldValue { FieldId = f.Key, Value = f.Value }));
        db.Assets.Add(asset);
        await db.SaveChangesAsync(ct);
        db.AssetChanges.Add(new AssetChange
        {
            AssetId = asset.Id, At = now, ActorId = actor.UserId, Subject = "Created", NewValue = AssetDisplay.Status(asset.Status),
        });
        db.ActiveWebhooks ??= await webhooks.ActiveAsync(db, ct);
        await Notifications.WebhookOutbox.AddAsync(db, $"{Notifications.WebhookEvents.AssetCreated}:{asset.Id}",
            new Notifications.WebhookEnvelope(Notifications.WebhookEvents.AssetCreated, now, null, asset.Id, actor.UserId, null, null), asset.DepartmentId, ct);
        await db.SaveChangesAsync(ct);
        return asset.Id;
    }

    /// <summary>Saves an edit; a conflict, changing nothing, when someone else saved since <paramref name="expectedVersion"/>.</summary>
    public async Task<int> UpdateAsync(Actor actor, int id, int expectedVersion, AssetInput input, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var asset = await db.Assets.Include(a => a.FieldValues).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (asset is null || !actor.CanWorkIn(asset.DepartmentId))
            throw new DeskNotFoundException($"Asset {id} does not exist or you may not change it.");
        if (asset.Version != expectedVersion)
            throw new DeskConflictException($"{asset.Tag} was changed by someone else since you opened it; your edit is kept: compare and save again.");
        var errors = new ValidationErrors();
        var clean = await CheckAsync(db, actor, input, asset.Id, errors, ct);
        errors.ThrowIfAny();

        var now = Now;
        var names = await NamesAsync(db, asset, input, ct);
        var before = Describe(asset, names.OldAssignee, names.OldDepartment, names.OldType);
        Apply(asset, clean, input, now);
        var after = Describe(asset, names.NewAssignee, names.NewDepartment, names.NewType);
        var fieldLabels = await db.AssetFields.Where(f => f.AssetTypeId == asset.TypeId).ToDictionaryAsync(f => f.Id, f => f.Label, ct);
        foreach (var (fieldId, label) in fieldLabels)
        {
            var old = asset.FieldValues.FirstOrDefault(v => v.FieldId == fieldId);
            clean.Fields.TryGetValue(fieldId, out var value);
            before[label] = old?.Value;
            after[label] = value;
            if (old is not null && value is null)
                asset.FieldValues.Remove(old);
            else if (old is not null)
                old.Value = value!;
            else if (value is not null)
                asset.FieldValues.Add(new AssetFieldValue { FieldId = fieldId, Value = value });
        }

        var changes = after.Where(kv => !string.Equals(before.GetValueOrDefault(kv.Key) ?? "", kv.Value ?? "", StringComparison.Ordinal)).ToList();
        if (changes.Count == 0)
            return asset.Version;
        foreach (var (subject, value) in changes)
        {
            db.AssetChanges.Add(new AssetChange
            {
                AssetId = asset.Id, At = now, ActorId = actor.UserId, Subject = subject,
                OldValue = Shorten(before.GetValueOrDefault(subject)), NewValue = Shorten(value),
            });
        }

        asset.Version++;
        var changed = new System.Text.Json.Nodes.JsonArray(changes.Select(c => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["subject"] = c.Key, ["oldValue"] = Shorten(before.GetValueOrDefault(c.Key)), ["newValue"] = Shorten(c.Value),
        }).ToArray());
        db.ActiveWebhooks ??= await webhooks.ActiveAsync(db, ct);
        await Notifications.WebhookOutbox.AddAsync(db, $"{Notifications.WebhookEvents.AssetUpdated}:{asset.Id}:{asset.Version}",
            new Notifications.WebhookEnvelope(Notifications.WebhookEvents.AssetUpdated, now, null, asset.Id, actor.UserId, changed, null), asset.DepartmentId, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DeskConflictException($"{asset.Tag} was changed by someone else while you saved; your edit is kept: compare and save again.");
        }

        return asset.Version;
    }

    private static string? Shorten(string? value) =>
        value is { Length: > TicketLimits.FieldValueMax } ? value[..(TicketLimits.FieldValueMax - 1)] + "…" : value;

    private sealed record ChangeNames(string? OldAssignee, string? NewAssignee, string OldDepartment, string NewDepartment, string OldType, string NewType);

    private static async Task<ChangeNames> NamesAsync(DeskDbContext db, Asset asset, AssetInput input, CancellationToken ct)
    {
        var people = new[] { asset.AssignedToId, input.AssignedToId }.OfType<string>().ToList();
        var names = await db.Users.Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var departments = await db.Departments.Where(d => d.Id == asset.DepartmentId || d.Id == input.DepartmentId).ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var types = await db.AssetTypes.Where(t => t.Id == asset.TypeId || t.Id == input.TypeId).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        return new ChangeNames(asset.AssignedToId is { } o ? names.GetValueOrDefault(o) : null,
            input.AssignedToId is { } n ? names.GetValueOrDefault(n) : null,
            departments[asset.DepartmentId], departments[input.DepartmentId], types[asset.TypeId], types[input.TypeId]);
    }

    /// <summary>The asset's record as people read it, subject by subject, to tell what an edit changed.</summary>
    private static Dictionary<string, string?> Describe(Asset a, string? assignee, string department, string type) => new()
    {
        ["Tag"] = a.Tag, ["Name"] = a.Name, ["Type"] = type, ["Serial number"] = a.Serial, ["Make and model"] = $"{a.Make} {a.Model}".Trim(),
        ["Status"] = AssetDisplay.Status(a.Status), ["Assigned to"] = assignee, ["Owning department"] = department,
        ["Location"] = AssetDisplay.Location(a.Site, a.Building, a.Floor, a.Room),
        ["Purchase date"] = a.PurchaseDate?.ToString("yyyy-MM-dd"), ["Warranty end"] = a.WarrantyEnd?.ToString("yyyy-MM-dd"),
        ["Notes"] = a.Notes,
    };

    internal static void Apply(Asset asset, CleanAsset clean, AssetInput input, DateTime now)
    {
        asset.Tag = clean.Tag;
        asset.TagKey = clean.Tag.ToUpperInvariant();
        asset.Serial = clean.Serial;
        asset.Name = clean.Name;
        asset.TypeId = input.TypeId;
        asset.Make = clean.Make;
        asset.Model = clean.Model;
        asset.Site = clean.Site;
        asset.Building = clean.Building;
        asset.Floor = clean.Floor;
        asset.Room = clean.Room;
        asset.DepartmentId = input.DepartmentId;
        asset.AssignedToId = string.IsNullOrEmpty(input.AssignedToId) ? null : input.AssignedToId;
        asset.Status = input.Status;
        asset.PurchaseDate = input.PurchaseDate;
        asset.WarrantyEnd = input.WarrantyEnd;
        asset.Notes = clean.Notes;
        asset.SearchText = AssetRules.SearchText(asset);
        asset.UpdatedAt = now;
    }

    private static async Task<CleanAsset> CheckAsync(DeskDbContext db, Actor actor, AssetInput input, int? existingId,
        ValidationErrors errors, CancellationToken ct)
    {
        var type = await db.AssetTypes.AsNoTracking().Include(t => t.Fields).FirstOrDefaultAsync(t => t.Id == input.TypeId, ct);
        var clean = AssetRules.Check(input, type, errors);
        if (!await db.Departments.AnyAsync(d => d.Id == input.DepartmentId, ct))
            errors.Add("Department", $"Department {input.DepartmentId} does not exist.");
        else if (!actor.CanWorkIn(input.DepartmentId))
            errors.Add("Department", "You may only keep assets of departments you work in.");
        if (!string.IsNullOrEmpty(input.AssignedToId) && !await db.Users.AnyAsync(u => u.Id == input.AssignedToId && u.IsActive, ct))
            errors.Add("AssignedTo", "The person the asset is assigned to must be an active user.");
        var key = clean.Tag.ToUpperInvariant();
        if (key.Length > 0 && await db.Assets.AnyAsync(a => a.TagKey == key && a.Id != existingId, ct))
            errors.Add("Tag", $"Tag {clean.Tag} is already on another asset.");
        return clean;
    }

    /// <summary>
    /// The asset's service history: every linked ticket in time order with how long it took and whether its SLA held,
    /// the record's own changes, total time in repair and whether it fails repeatedly.
    /// </summary>
    public async Task<AssetHistory> HistoryAsync(Actor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (asset is null || !actor.CanWorkIn(asset.DepartmentId))
            throw new DeskNotFoundException($"Asset {id} does not exist or you may not see its history.");
        var tickets = await db.TicketAssets.AsNoTracking().Where(l => l.AssetId == id)
            .Select(l => new { l.Ticket!.Id, l.Ticket.Key, l.Ticket.Title, l.Ticket.Status, Type = l.Ticket.Type!.Name, l.Ticket.Type.Kind, l.Ticket.CreatedAt, l.Ticket.UpdatedAt })
            .OrderBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .ToListAsync(ct);
        var sla = await Sla.SlaService.ViewsAsync(db, tickets.Select(t => t.Id).ToList(), ct);
        var now = Now;
        var since = now.AddDays(-Rules.RepeatFailureWindowDays);
        var rows = tickets.Select(t =>
        {
            var targets = sla.GetValueOrDefault(t.Id) ?? [];
            var resolution = targets.FirstOrDefault(x => x.Metric == Sla.SlaMetric.Resolution);
            var done = t.Status is TicketStatus.Resolved or TicketStatus.Closed;
            TimeSpan? took = done ? (resolution?.StoppedAt ?? t.UpdatedAt) - t.CreatedAt : null;
            return new AssetTicketRow(t.Id, t.Key, t.Title, t.Status, t.Type, t.CreatedAt, took, SlaOutcome(targets, now),
                t.Kind != TicketKind.Maintenance);
        }).ToList();
        var changes = await db.AssetChanges.AsNoTracking().Where(c => c.AssetId == id).OrderBy(c => c.Id)
            .Select(c => new AssetChangeView(c.At, c.Actor != null ? c.Actor.DisplayName : "System", c.Subject, c.OldValue, c.NewValue))
            .ToListAsync(ct);
        var incidents = rows.Count(r => r.CountsAsIncident && r.CreatedAt >= since);
        return new AssetHistory(rows, changes, TimeInRepair(changes, now), incidents, incidents > Rules.RepeatFailureCount,
            Rules.RepeatFailureCount, Rules.RepeatFailureWindowDays);
    }

    /// <summary>"Met", "Missed: Resolution", "Running"...: the worst state among a ticket's targets, in words.</summary>
    internal static string SlaOutcome(IReadOnlyList<Sla.SlaTargetView> targets, DateTime now)
    {
        if (targets.Count == 0)
            return "not recorded";
        var missed = targets.Where(t => t.StateAt(now) is Sla.SlaState.Missed or Sla.SlaState.Breached).Select(t => Sla.SlaMetrics.Display(t.Metric)).ToList();
        if (missed.Count > 0)
            return "Missed: " + string.Join(", ", missed);
        return targets.All(t => t.State is Sla.SlaState.Met or Sla.SlaState.Idle) ? "Met" : "Running";
    }

    /// <summary>Adds up the spans the asset spent In repair, from its status changes (the first is its creation).</summary>
    internal static TimeSpan TimeInRepair(IReadOnlyList<AssetChangeView> changes, DateTime now)
    {
        var repair = AssetDisplay.Status(AssetStatus.InRepair);
        var total = TimeSpan.Zero;
        DateTime? since = null;
        foreach (var c in changes.Where(c => c.Subject is "Created" or "Status"))
        {
            if (since is { } start && c.NewValue != repair)
            {
                total += c.At - start;
                since = null;
            }
            else if (since is null && c.NewValue == repair)
            {
                since = c.At;
            }
        }

        return since is { } open ? total + (now - open) : total;
    }

    /// <summary>Active people by name or email, for assigning an asset; staff only.</summary>
    public async Task<IReadOnlyList<PersonRef>> SearchPeopleAsync(Actor actor, string? text, CancellationToken ct = default)
    {
        if (!actor.IsStaff)
            throw new DeskForbiddenException("Only agents, supervisors and admins assign assets.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var query = db.Users.AsNoTracking().Where(u => u.IsActive);
        if (!string.IsNullOrWhiteSpace(text))
        {
            var lowered = text.Trim().ToLowerInvariant();
            var upper = text.Trim().ToUpperInvariant();
            query = query.Where(u => u.DisplayName.ToLower().Contains(lowered) || (u.NormalizedEmail != null && u.NormalizedEmail.StartsWith(upper)));
        }

        return await query.OrderBy(u => u.DisplayName).Take(10).Select(u => new PersonRef(u.Id, u.DisplayName)).ToListAsync(ct);
    }

    /// <summary>The requester's own assets, for the request form.</summary>
    public async Task<IReadOnlyList<AssetRef>> ListMineAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var rows = await RefRows(db, db.Assets.AsNoTracking().Where(a => a.AssignedToId == actor.UserId && a.Status != AssetStatus.Retired)
            .OrderBy(a => a.TagKey)).ToListAsync(ct);
        return rows.Select(r => r.ToRef()).ToList();
    }

    /// <summary>Any asset by its tag (as printed on its label): anyone signed in may report a problem with it.</summary>
    public async Task<AssetRef?> FindByTagAsync(Actor actor, string? tag, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var key = tag?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(key))
            return null;
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return (await RefRows(db, db.Assets.AsNoTracking().Where(a => a.TagKey == key)).FirstOrDefaultAsync(ct))?.ToRef();
    }

    private sealed record RefRow(int Id, string Tag, string Name, string TypeName, string Site, string Building, string Floor, string Room,
        int DepartmentId, int OpenTickets)
    {
        public AssetRef ToRef() => new(Id, Tag, Name, TypeName, AssetDisplay.Location(Site, Building, Floor, Room), DepartmentId)
        {
            OpenTickets = OpenTickets,
        };
    }

    private static IQueryable<RefRow> RefRows(DeskDbContext db, IQueryable<Asset> query) =>
        query.Select(a => new RefRow(a.Id, a.Tag, a.Name, a.Type!.Name, a.Site, a.Building, a.Floor, a.Room, a.DepartmentId,
            db.TicketAssets.Count(o => o.AssetId == a.Id && o.Ticket!.Status != TicketStatus.Resolved && o.Ticket.Status != TicketStatus.Closed)));

    /// <summary>The assets a ticket is about, each with how many open tickets it has; for anyone who may see the ticket.</summary>
    public async Task<IReadOnlyList<AssetRef>> ListForTicketAsync(Actor actor, int ticketId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await TicketAccess.SeenAsync(db, actor, ticketId, ct);
        var linked = db.TicketAssets.Where(l => l.TicketId == ticketId).Select(l => l.AssetId);
        var rows = await RefRows(db, db.Assets.AsNoTracking().Where(a => linked.Contains(a.Id)).OrderBy(a => a.TagKey)).ToListAsync(ct);
        return rows.Select(r => r.ToRef()).ToList();
    }


    /// <summary>An agent links an asset of their department to a ticket of their department.</summary>
    public Task LinkAsync(Actor actor, int ticketId, int assetId, CancellationToken ct = default) =>
        ChangeLinkAsync(actor, ticketId, assetId, link: true, ct);

    public Task UnlinkAsync(Actor actor, int ticketId, int assetId, CancellationToken ct = default) =>
        ChangeLinkAsync(actor, ticketId, assetId, link: false, ct);

    private async Task ChangeLinkAsync(Actor actor, int ticketId, int assetId, bool link, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ticket = await TicketAccess.SeenAsync(db, actor, ticketId, ct);
        if (!actor.CanWorkIn(ticket.DepartmentId))
            throw new DeskForbiddenException("Only agents of the ticket's department link assets to it.");
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == assetId, ct);
        if (asset is null || !actor.CanWorkIn(asset.DepartmentId))
            throw new DeskNotFoundException($"Asset {assetId} does not exist or is not an asset of your departments.");
        var existing = await db.TicketAssets.FirstOrDefaultAsync(l => l.TicketId == ticketId && l.AssetId == assetId, ct);
        var now = Now;
        if (link == (existing is not null))
            return;
        if (link)
            db.TicketAssets.Add(new TicketAsset { TicketId = ticketId, AssetId = assetId, LinkedAt = now });
        else
            db.TicketAssets.Remove(existing!);
        var change = pipeline.Begin(db, ticket, actor.UserId, link ? TicketChangeKind.AssetLinked : TicketChangeKind.AssetUnlinked, now);
        change.Record(LinkEvent(ticketId, actor.UserId, asset, link, staff: true, now));
        ticket.UpdatedAt = now;
        await pipeline.CommitAsync(change, tx, ct);
    }

    internal static TicketEvent LinkEvent(int ticketId, string actorId, Asset asset, bool link, bool staff, DateTime now) => new()
    {
        TicketId = ticketId, At = now, ActorId = actorId, Kind = link ? TicketEventKind.AssetLinked : TicketEventKind.AssetUnlinked,
        IsPublic = true, ByAgent = staff, Subject = "Asset", OldValue = link ? null : $"{asset.Tag} {asset.Name}",
        NewValue = link ? $"{asset.Tag} {asset.Name}" : null,
    };

    /// <summary>
    /// While filing a request: the tags named must exist; a requester names their own assets or any asset by its label.
    /// Returns the assets to link; an unknown tag is an error on the Assets field.
    /// </summary>
    internal static async Task<List<Asset>> ResolveTagsAsync(DeskDbContext db, IReadOnlyList<string>? tags, ValidationErrors errors, CancellationToken ct)
    {
        var keys = (tags ?? []).Select(t => t.Trim().ToUpperInvariant()).Where(t => t.Length > 0).Distinct().ToList();
        if (keys.Count == 0)
            return [];
        if (keys.Count > 10)
        {
            errors.Add("Assets", "A request may name at most 10 assets.");
            return [];
        }

        var found = await db.Assets.AsNoTracking().Where(a => keys.Contains(a.TagKey)).ToListAsync(ct);
        var missing = keys.Where(k => found.All(a => a.TagKey != k)).ToList();
        if (missing.Count > 0)
            errors.Add("Assets", $"No asset has the tag {string.Join(", ", missing)}; check the label.");
        return found;
    }
}

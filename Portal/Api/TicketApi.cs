using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Core.Common;
using Portal.Core.Handling;
using Portal.Core.Tickets;
using Portal.Core.Users;

namespace Portal.Api;

/// <summary>A ticket as the API returns it (and as event webhooks carry it).</summary>
public sealed record ApiTicket(int Id, string Key, string Title, string Description, int DepartmentId, string Department, int CategoryId,
    string Category, int TypeId, string Type, TicketPriority Priority, TicketStatus Status, PersonRef Requester, PersonRef? Assignee,
    int? TeamId, string? Team, DateTime CreatedAt, DateTime UpdatedAt, int Version, IReadOnlyList<ApiField> Fields,
    IReadOnlyList<PersonRef> Watchers, IReadOnlyList<ApiSla> Sla, int EscalationLevel, string? ParentKey)
{
    public static ApiTicket From(TicketDetails t) => new(t.Id, t.Key, t.Title, t.Description, t.DepartmentId, t.DepartmentName, t.CategoryId,
        t.CategoryName, t.TypeId, t.TypeName, t.Priority, t.Status, t.Requester, t.Assignee, t.TeamId, t.TeamName, Utc(t.CreatedAt),
        Utc(t.UpdatedAt), t.Version, t.Fields.Select(f => new ApiField(f.FieldId, f.Label, f.Kind.ToString(), f.Value)).ToList(), t.Watchers,
        t.Sla.Select(ApiSla.From).ToList(), t.EscalationLevel, t.Parent?.Key);

    internal static DateTime Utc(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc);
}

public sealed record ApiField(int FieldId, string Label, string Kind, string? Value);

public sealed record ApiSla(string Metric, string State, DateTime? DueAt, DateTime? StoppedAt, DateTime? BreachedAt, double TargetMinutes)
{
    public static ApiSla From(Core.Sla.SlaTargetView v) => new(v.Metric.ToString(), v.State.ToString(),
        v.DueAt is { } d ? ApiTicket.Utc(d) : null, v.StoppedAt is { } s ? ApiTicket.Utc(s) : null, v.BreachedAt is { } b ? ApiTicket.Utc(b) : null,
        v.Target.TotalMinutes);
}

public sealed record ApiTicketRow(int Id, string Key, string Title, int DepartmentId, string Department, string Category, TicketPriority Priority,
    TicketStatus Status, string Requester, string? AssigneeId, string? Assignee, string? Team, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<ApiSla> Sla)
{
    public static ApiTicketRow From(TicketSummary t) => new(t.Id, t.Key, t.Title, t.DepartmentId, t.DepartmentName, t.CategoryName, t.Priority,
        t.Status, t.RequesterName, t.AssigneeId, t.AssigneeName, t.TeamName, ApiTicket.Utc(t.CreatedAt), ApiTicket.Utc(t.UpdatedAt),
        t.Sla.Select(ApiSla.From).ToList());
}

public sealed record ApiPage<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>A new ticket: as its requester, or (staff of the department) for someone else by email.</summary>
public sealed record ApiNewTicket(int DepartmentId, int CategoryId, int? TypeId, string? Title, string? Description, TicketPriority? Priority,
    Dictionary<string, string?>? Fields, string? RequesterEmail);

/// <summary>The fields to change; those left out stay as they are; assigneeId or teamId null clears them.</summary>
public sealed record ApiTicketPatch(TicketStatus? Status, TicketPriority? Priority, int? CategoryId, int? TypeId, string? AssigneeId, int? TeamId,
    Dictionary<string, string?>? Fields);

public sealed record ApiReply(string? Body);

public sealed record ApiHistoryEntry(long Id, DateTime At, string Actor, TicketEventKind Kind, bool IsPublic, string? Body, string? Subject,
    string? OldValue, string? NewValue, IReadOnlyList<AttachmentView> Attachments);

public sealed record ApiWatcher(string? UserId, string? Email);

public sealed record ApiLink(string? OtherKey, TicketLinkKind Kind);

/// <summary>/api/v1/tickets: the queue's reading and writing over the same Core services as the pages.</summary>
public static class TicketApi
{
    public static void MapTicketApi(this RouteGroupBuilder api)
    {
        var tickets = api.MapGroup("/tickets").WithTags("Tickets");
        tickets.MapGet("", ListAsync).WithSummary("List tickets the caller may see, a page at a time")
            .WithDescription("Filters as the queue's. Ordered by last change, oldest first (order=newest for newest first); follow nextCursor. "
                + "A ticket changed while paging comes again later, so a sync loop misses nothing.");
        tickets.MapGet("/{ticket}", GetAsync).WithName("GetTicket").WithSummary("Read one ticket by key (IT-1042) or id, with its SLA state")
            .Produces<ApiTicket>();
        tickets.MapPost("", CreateAsync).WithSummary("File a ticket").Produces<ApiTicket>(StatusCodes.Status201Created);
        tickets.MapMethods("/{ticket}", ["PATCH"], PatchAsync).WithSummary("Change fields (If-Match with the ticket's ETag is required)")
            .Accepts<ApiTicketPatch>("application/json").Produces<ApiTicket>()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        tickets.MapPost("/{ticket}/replies", (HttpContext http, string ticket, ApiReply body, TicketCommands commands, TicketQueries queries) =>
            ReplyAsync(http, ticket, body, true, commands, queries)).WithSummary("Add a public reply").Produces<ApiTicket>();
        tickets.MapPost("/{ticket}/notes", (HttpContext http, string ticket, ApiReply body, TicketCommands commands, TicketQueries queries) =>
            ReplyAsync(http, ticket, body, false, commands, queries)).WithSummary("Add an internal note (staff of the department)").Produces<ApiTicket>();
        tickets.MapGet("/{ticket}/history", HistoryAsync).WithSummary("The ticket's history as the caller may see it");
        tickets.MapPost("/{ticket}/attachments", UploadAsync).WithSummary("Attach files (multipart/form-data; a note with them when internal=true)")
            .DisableAntiforgery().Produces<ApiTicket>();
        tickets.MapGet("/{ticket}/attachments/{id:int}", DownloadAsync).WithSummary("Download an attachment");
        tickets.MapPost("/{ticket}/watchers", (HttpContext http, string ticket, ApiWatcher body, TicketCommands commands, TicketQueries queries) =>
            WatchAsync(http, ticket, body, true, commands, queries)).WithSummary("Add a watcher by user id or email");
        tickets.MapDelete("/{ticket}/watchers/{userId}", (HttpContext http, string ticket, string userId, TicketCommands commands, TicketQueries queries) =>
            WatchAsync(http, ticket, new ApiWatcher(userId, null), false, commands, queries)).WithSummary("Remove a watcher");
        tickets.MapGet("/{ticket}/links", LinksAsync).WithSummary("The ticket's links to other tickets");
        tickets.MapPost("/{ticket}/links", LinkAsync).WithSummary("Link to another ticket (Related or CausedBy)");
    }

    private static async Task<IResult> ListAsync(HttpContext http, TicketList list, int? departmentId, string? status, TicketPriority? priority,
        int? categoryId, string? assigneeId, int? teamId, string? requester, DateTime? updatedSince, string? text, string? order, string? cursor,
        int? limit)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
        var statuses = new List<TicketStatus>();
        foreach (var part in (status ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Enum.TryParse<TicketStatus>(part, true, out var s) || int.TryParse(part, out _))
                throw new DeskValidationException("status", $"status: \"{part}\" is not one of {string.Join(", ", Enum.GetNames<TicketStatus>())}.");
            statuses.Add(s);
        }

        if (order is not (null or "oldest" or "newest"))
            throw new DeskValidationException("order", "order: oldest (the default) or newest.");
        var page = await list.ListAsync(actor, new TicketListQuery(departmentId, statuses, priority, categoryId,
            assigneeId is "none" ? null : assigneeId == "me" ? actor.UserId : assigneeId, assigneeId == "none", teamId, requester,
            updatedSince?.ToUniversalTime(), text, order == "newest", cursor, limit ?? 25), http.RequestAborted);
        return Results.Ok(new ApiPage<ApiTicketRow>(page.Items.Select(ApiTicketRow.From).ToList(), page.NextCursor));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string ticket, TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
        var id = await queries.FindIdAsync(actor, ticket, http.RequestAborted);
        return Read(http, await queries.GetAsync(actor, id, withHistory: false, http.RequestAborted));
    }

    private static IResult Read(HttpContext http, TicketDetails details, int status = StatusCodes.Status200OK)
    {
        http.Response.Headers.ETag = ETag(details.Version);
        var body = ApiTicket.From(details);
        return status == StatusCodes.Status201Created ? Results.Created($"/api/v1/tickets/{details.Key}", body) : Results.Ok(body);
    }

    public static string ETag(int version) => $"\"{version}\"";

    private static async Task<IResult> CreateAsync(HttpContext http, ApiNewTicket body, TicketFiling filing, TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsWrite);
        var input = new NewTicketInput(body.DepartmentId, body.CategoryId, body.Title ?? "", body.Description ?? "", FieldIds(body.Fields), [],
            body.TypeId, body.Priority ?? TicketPriority.Normal) { RequesterEmail = body.RequesterEmail };
        var created = await filing.CreateAsync(actor, input, http.RequestAborted);
        return Read(http, await queries.GetAsync(actor, created.Id, withHistory: false, http.RequestAborted), StatusCodes.Status201Created);
    }

    private static Dictionary<int, string?> FieldIds(Dictionary<string, string?>? fields)
    {
        var result = new Dictionary<int, string?>();
        foreach (var (key, value) in fields ?? [])
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                throw new DeskValidationException("fields", $"fields: \"{key}\" is not a field id (GET /api/v1/departments lists each category's fields).");
            result[id] = value;
        }

        return result;
    }

    private static async Task<IResult> PatchAsync(HttpContext http, string ticket, TicketCommands commands, TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsWrite);
        var id = await queries.FindIdAsync(actor, ticket, http.RequestAborted);
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (ifMatch.Length == 0)
            return ApiProblems.Result(StatusCodes.Status428PreconditionRequired, "If-Match is required.",
                "Read the ticket first and send its ETag in If-Match, so that a change made meanwhile is not overwritten.");
        if (!int.TryParse(ifMatch.Replace("W/", "", StringComparison.Ordinal).Trim('"'), out var expected))
            return ApiProblems.Result(StatusCodes.Status400BadRequest, "If-Match is not an ETag of a ticket.", $"Got {ifMatch}.");
        JsonObject patch;
        try
        {
            patch = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject
                ?? throw new DeskValidationException("body", "The body must be a JSON object of the fields to change.");
        }
        catch (JsonException ex)
        {
            throw new DeskValidationException("body", $"The body is not JSON: {ex.Message}");
        }

        var current = await queries.GetAsync(actor, id, withHistory: false, http.RequestAborted);
        if (current.Version != expected)
            return Stale(http, current);
        var fields = current.Fields.ToDictionary(f => f.FieldId, f => f.Value);
        var edit = new TicketEdit(current.Status, current.Priority, current.CategoryId, current.TypeId, current.Assignee?.Id, current.TeamId, fields);
        foreach (var (name, value) in patch)
        {
            edit = name switch
            {
                "status" => edit with { Status = EnumOf<TicketStatus>(name, value) },
                "priority" => edit with { Priority = EnumOf<TicketPriority>(name, value) },
                "categoryId" => edit with { CategoryId = IntOf(name, value) },
                "typeId" => edit with { TypeId = IntOf(name, value) },
                "assigneeId" => edit with { AssigneeId = value is null ? null : TextOf(name, value) == "me" ? actor.UserId : TextOf(name, value) },
                "teamId" => edit with { TeamId = value is null ? null : IntOf(name, value) },
                "fields" => edit with { Fields = Merge(fields, value) },
                _ => throw new DeskValidationException(name, $"{name}: not a field that can be changed (status, priority, categoryId, typeId, assigneeId, teamId, fields)."),
            };
        }

        try
        {
            await commands.UpdateAsync(actor, id, expected, edit, http.RequestAborted);
        }
        catch (DeskConflictException)
        {
            return Stale(http, await queries.GetAsync(actor, id, withHistory: false, http.RequestAborted));
        }

        return Read(http, await queries.GetAsync(actor, id, withHistory: false, http.RequestAborted));
    }

    private static IResult Stale(HttpContext http, TicketDetails current)
    {
        http.Response.Headers.ETag = ETag(current.Version);
        return ApiProblems.Result(StatusCodes.Status412PreconditionFailed, "Someone else changed this ticket first.",
            $"The ticket is now at version {current.Version}; read it again and send its ETag.");
    }

    private static Dictionary<int, string?> Merge(Dictionary<int, string?> fields, JsonNode? value)
    {
        if (value is not JsonObject changes)
            throw new DeskValidationException("fields", "fields: an object of field id to value.");
        var merged = new Dictionary<int, string?>(fields);
        foreach (var (id, v) in FieldIds(changes.ToDictionary(p => p.Key, p => p.Value is null ? null : p.Value is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : p.Value.ToJsonString())))
            merged[id] = v;
        return merged;
    }

    private static T EnumOf<T>(string name, JsonNode? value) where T : struct, Enum =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && Enum.TryParse<T>(text, true, out var parsed) && !int.TryParse(text, out _)
            ? parsed
            : throw new DeskValidationException(name, $"{name}: one of {string.Join(", ", Enum.GetNames<T>())}.");

    private static int IntOf(string name, JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<int>(out var number) ? number : throw new DeskValidationException(name, $"{name}: a whole number (an id).");

    private static string TextOf(string name, JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) ? text : throw new DeskValidationException(name, $"{name}: a text.");

    private static async Task<IResult> ReplyAsync(HttpContext http, string ticket, ApiReply body, bool isPublic, TicketCommands commands,
        TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsWrite);
        var id = await queries.FindIdAsync(actor, ticket, http.RequestAborted);
        await commands.ReplyAsync(actor, id, body.Body ?? "", isPublic, [], http.RequestAborted);
        return Read(http, await queries.GetAsync(actor, id, withHistory: false, http.RequestAborted));
    }

    private static async Task<IResult> HistoryAsync(HttpContext http, string ticket, TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
        var details = await queries.GetAsync(actor, await queries.FindIdAsync(actor, ticket, http.RequestAborted), http.RequestAborted);
        return Results.Ok(details.Events.Select(e => new ApiHistoryEntry(e.Id, ApiTicket.Utc(e.At), e.ActorName, e.Kind, e.IsPublic, e.Body, e.Subject,
            e.OldValue, e.NewValue, e.Attachments)).ToList());
    }

    private static async Task<IResult> UploadAsync(HttpContext http, string ticket, TicketCommands commands, TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsWrite);
        var id = await queries.FindIdAsync(actor, ticket, http.RequestAborted);
        if (!http.Request.HasFormContentType)
            throw new DeskValidationException("files", "files: send multipart/form-data with one or more parts named files.");
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var files = new List<NewAttachment>();
        foreach (var file in form.Files)
        {
            if (AttachmentRules.Precheck(file.FileName, file.Length, files.Count) is { } refusal)
                throw new DeskValidationException("files", refusal);
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, http.RequestAborted);
            files.Add(new NewAttachment(file.FileName, file.ContentType, buffer.ToArray()));
        }

        if (files.Count == 0)
            throw new DeskValidationException("files", "files: attach at least one file.");
        var isPublic = form["internal"] != "true";
        var text = form["body"].ToString();
        await commands.ReplyAsync(actor, id, text.Length > 0 ? text : $"Attached {string.Join(", ", files.Select(f => f.FileName))}.", isPublic, files,
            http.RequestAborted);
        return Read(http, await queries.GetAsync(actor, id, withHistory: false, http.RequestAborted));
    }

    private static async Task<IResult> DownloadAsync(HttpContext http, string ticket, int id, TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
        var ticketId = await queries.FindIdAsync(actor, ticket, http.RequestAborted);
        var details = await queries.GetAsync(actor, ticketId, http.RequestAborted);
        if (details.Attachments.All(a => a.Id != id))
            throw new DeskNotFoundException($"Attachment {id} is not one of {details.Key}'s that you may see.");
        var file = await queries.GetAttachmentAsync(actor, id, http.RequestAborted);
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return Results.File(file.Data, "application/octet-stream", file.FileName);
    }

    private static async Task<IResult> WatchAsync(HttpContext http, string ticket, ApiWatcher body, bool watch, TicketCommands commands,
        TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsWrite);
        var id = await queries.FindIdAsync(actor, ticket, http.RequestAborted);
        var userId = body.UserId ?? (body.Email is { Length: > 0 } email ? await queries.UserIdByEmailAsync(email, http.RequestAborted) : null)
            ?? throw new DeskValidationException("userId", "userId or email: name an active person.");
        await commands.SetWatcherAsync(actor, id, userId, watch, http.RequestAborted);
        return Read(http, await queries.GetAsync(actor, id, withHistory: false, http.RequestAborted));
    }

    private static async Task<IResult> LinksAsync(HttpContext http, string ticket, TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsRead);
        return Results.Ok(await queries.ListLinksAsync(actor, await queries.FindIdAsync(actor, ticket, http.RequestAborted), http.RequestAborted));
    }

    private static async Task<IResult> LinkAsync(HttpContext http, string ticket, ApiLink body, TicketLinking linking, TicketQueries queries)
    {
        var actor = await ApiAccess.CallerAsync(http, ApiScopes.TicketsWrite);
        var id = await queries.FindIdAsync(actor, ticket, http.RequestAborted);
        await linking.LinkAsync(actor, id, body.OtherKey, body.Kind, http.RequestAborted);
        return Results.Ok(await queries.ListLinksAsync(actor, id, http.RequestAborted));
    }
}

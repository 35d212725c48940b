using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Core.Common;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Responses;

/// <summary>Whose a canned response is: one agent's, a team's, or a whole department's.</summary>
public enum ResponseScope
{
    Personal,
    Team,
    Department,
}

/// <summary>A reply template of a department, with placeholders filled from the ticket when it is used.</summary>
public class CannedResponse
{
    public int Id { get; set; }
    public int DepartmentId { get; set; }
    public ResponseScope Scope { get; set; }

    /// <summary>For <see cref="ResponseScope.Personal"/>.</summary>
    public string? OwnerId { get; set; }

    /// <summary>For <see cref="ResponseScope.Team"/>.</summary>
    public int? TeamId { get; set; }

    public string Name { get; set; } = "";
    public string Body { get; set; } = "";

    /// <summary>A macro's changes (a response with any is a macro): applied with its text as one change.</summary>
    public TicketStatus? SetStatus { get; set; }
    public TicketPriority? SetPriority { get; set; }
    public bool AssignToMe { get; set; }
    public int? SetTeamId { get; set; }

    /// <summary>Tags the macro adds to the ticket, comma-separated, as <see cref="TagRules"/> keeps them.</summary>
    public string AddTags { get; set; } = "";

    /// <summary>The text goes as an internal note, not a public reply.</summary>
    public bool AsNote { get; set; }

    public bool IsActive { get; set; } = true;
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; } = 1;
}

/// <summary>One use of a canned response by an agent on a ticket: counted, so each agent's most used come first.</summary>
public class CannedResponseUse
{
    public long Id { get; set; }
    public int ResponseId { get; set; }
    public string UserId { get; set; } = "";
    public int TicketId { get; set; }
    public DateTime At { get; set; }
}

internal sealed class CannedResponseConfiguration : IEntityTypeConfiguration<CannedResponse>
{
    public void Configure(EntityTypeBuilder<CannedResponse> b)
    {
        b.Property(r => r.Name).HasMaxLength(CannedResponseService.NameMax);
        b.Property(r => r.Body).HasMaxLength(CannedResponseService.BodyMax);
        b.Property(r => r.Scope).HasConversion<string>().HasMaxLength(12);
        b.Property(r => r.Version).IsConcurrencyToken();
        b.Property(r => r.SetStatus).HasConversion<string>().HasMaxLength(20);
        b.Property(r => r.SetPriority).HasConversion<string>().HasMaxLength(10);
        b.Property(r => r.AddTags).HasMaxLength(TagRules.MaxPerTicket * (TagRules.MaxLength + 1));
        b.HasIndex(r => new { r.DepartmentId, r.IsActive });
        b.HasOne<Departments.Department>().WithMany().HasForeignKey(r => r.DepartmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Departments.Team>().WithMany().HasForeignKey(r => r.TeamId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Users.DeskUser>().WithMany().HasForeignKey(r => r.OwnerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CannedResponseUseConfiguration : IEntityTypeConfiguration<CannedResponseUse>
{
    public void Configure(EntityTypeBuilder<CannedResponseUse> b)
    {
        b.HasIndex(u => new { u.UserId, u.ResponseId });
        b.HasIndex(u => new { u.ResponseId, u.At });
        b.HasOne<CannedResponse>().WithMany().HasForeignKey(u => u.ResponseId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A canned response as a picker or the editor lists it.</summary>
public sealed record ResponseRow(int Id, int DepartmentId, ResponseScope Scope, string? OwnerId, int? TeamId, string Name, string Body, int MyUses,
    int Uses, bool MayEdit, int Version, Handling.MacroChanges Changes, bool AsNote)
{
    public bool IsMacro => Changes.Any;
}

/// <summary>What the editor saves (<see cref="Version"/> the one it opened; 0 for a new response).</summary>
public sealed record ResponseInput(int? Id, int DepartmentId, ResponseScope Scope, int? TeamId, string? Name, string? Body, int Version = 0,
    Handling.MacroChanges? Changes = null, bool AsNote = false);

/// <summary>
/// Canned responses: reply templates of a department, personal, a team's or the department's. Placeholders in braces are
/// filled from the ticket when the response is used ({requester.firstName}, {ticket.key}, {sla.resolutionDue},
/// {field.Asset tag} ...); a placeholder the desk does not know is refused when the response is saved, named. Who may use
/// them: the department's staff (a personal one its owner, a team's its members). Who may change them: the owner of a
/// personal one; a team's members; the department's supervisors (and admins) for the department's.
/// </summary>
public sealed class CannedResponseService(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, Handling.TicketCommands commands)
{
    public const int NameMax = 100;
    public const int BodyMax = 20_000;

    /// <summary>The placeholders every response may use (custom fields come as field.Label).</summary>
    public static readonly IReadOnlyList<(string Name, string Means)> Placeholders =
    [
        ("requester.firstName", "the requester's first name"), ("requester.name", "the requester's full name"), ("requester.email", "the requester's email"),
        ("ticket.key", "the ticket's number (IT-1042)"), ("ticket.title", "its title"), ("ticket.status", "its status"), ("ticket.priority", "its priority"),
        ("ticket.link", "the requester's page of it"), ("department.name", "its department"), ("agent.name", "your name"), ("agent.firstName", "your first name"),
        ("sla.firstResponseDue", "when the first answer is due"), ("sla.resolutionDue", "when it is due to be resolved"),
        ("field.<label>", "a custom field's value, by its label"),
    ];

    /// <summary>The responses the agent may use in a department, their most used first, then by name.</summary>
    public async Task<IReadOnlyList<ResponseRow>> ListAsync(Actor actor, int departmentId, CancellationToken ct = default)
    {
        if (!actor.CanWorkIn(departmentId))
            throw new DeskForbiddenException("Canned responses are for the department's staff.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var teams = await db.TeamMembers.Where(m => m.UserId == actor.UserId).Select(m => m.TeamId).ToListAsync(ct);
        var rows = await db.Set<CannedResponse>().AsNoTracking()
            .Where(r => r.DepartmentId == departmentId && r.IsActive
                && (r.Scope == ResponseScope.Department || (r.Scope == ResponseScope.Personal && r.OwnerId == actor.UserId)
                    || (r.Scope == ResponseScope.Team && r.TeamId != null && (teams.Contains(r.TeamId.Value) || actor.IsAdmin || actor.IsSupervisor))))
            .Select(r => new
            {
                Response = r,
                Mine = db.Set<CannedResponseUse>().Count(u => u.ResponseId == r.Id && u.UserId == actor.UserId),
                All = db.Set<CannedResponseUse>().Count(u => u.ResponseId == r.Id),
            }).ToListAsync(ct);
        return rows.OrderByDescending(r => r.Mine).ThenByDescending(r => r.All).ThenBy(r => r.Response.Name, StringComparer.OrdinalIgnoreCase)
            .Select(r => new ResponseRow(r.Response.Id, r.Response.DepartmentId, r.Response.Scope, r.Response.OwnerId, r.Response.TeamId, r.Response.Name,
                r.Response.Body, r.Mine, r.All, MayEdit(actor, r.Response, teams), r.Response.Version,
                new Handling.MacroChanges(r.Response.SetStatus, r.Response.SetPriority, r.Response.AssignToMe, r.Response.SetTeamId,
                    TagRules.Split(r.Response.AddTags).ToList()), r.Response.AsNote)).ToList();
    }

    private static bool MayEdit(Actor actor, CannedResponse r, IReadOnlyCollection<int> teams) => r.Scope switch
    {
        ResponseScope.Personal => r.OwnerId == actor.UserId,
        ResponseScope.Team => actor.IsAdmin || (r.TeamId is { } t && teams.Contains(t)) || (actor.IsSupervisor && actor.CanWorkIn(r.DepartmentId)),
        _ => actor.IsAdmin || (actor.IsSupervisor && actor.CanWorkIn(r.DepartmentId)),
    };

    /// <summary>Adds or changes a response; each error names its field, an unknown placeholder by name.</summary>
    public async Task<int> SaveAsync(Actor actor, ResponseInput input, CancellationToken ct = default)
    {
        if (!actor.CanWorkIn(input.DepartmentId))
            throw new DeskForbiddenException("Canned responses are for the department's staff.");
        var errors = new ValidationErrors();
        var name = input.Name?.Trim() ?? "";
        var body = input.Body?.Trim() ?? "";
        errors.Required("Name", name, "Name");
        errors.MaxLength("Name", name, NameMax, "Name");
        if (input.Changes is not { Any: true })
            errors.Required("Body", body, "Text");
        errors.MaxLength("Body", body, BodyMax, "Text");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var labels = await FieldLabelsAsync(db, input.DepartmentId, ct);
        if (body.Length > 0 && Check(body, labels) is { } problem)
            errors.Add("Body", problem);
        var teams = await db.TeamMembers.Where(m => m.UserId == actor.UserId).Select(m => m.TeamId).ToListAsync(ct);
        var changes = input.Changes ?? new Handling.MacroChanges();
        if (changes.Status is { } st && !Enum.IsDefined(st))
            errors.Add("SetStatus", $"Set status: {st} is not a status.");
        if (changes.Priority is { } pr && !Enum.IsDefined(pr))
            errors.Add("SetPriority", $"Set priority: {pr} is not a priority.");
        if (changes.TeamId is { } team && !await db.Teams.AnyAsync(t => t.Id == team && t.DepartmentId == input.DepartmentId, ct))
            errors.Add("SetTeamId", "Give to team: choose one of the department's teams.");
        var addTags = TagRules.Clean(changes.AddTags ?? [], errors);
        if (input.Scope == ResponseScope.Team && (input.TeamId is null || !await db.Teams.AnyAsync(t => t.Id == input.TeamId && t.DepartmentId == input.DepartmentId, ct)))
            errors.Add("TeamId", "Team: choose one of the department's teams.");
        errors.ThrowIfAny();

        var response = input.Id is { } id
            ? await db.Set<CannedResponse>().FirstOrDefaultAsync(r => r.Id == id && r.DepartmentId == input.DepartmentId, ct)
                ?? throw new DeskNotFoundException($"Canned response {id} does not exist.")
            : db.Set<CannedResponse>().Add(new CannedResponse { DepartmentId = input.DepartmentId, OwnerId = actor.UserId }).Entity;
        if (input.Id is not null && !MayEdit(actor, response, teams))
            throw new DeskForbiddenException("You may change your own responses, your teams' and (as a supervisor) the department's.");
        if (input.Id is not null && response.Version != input.Version)
            throw new DeskConflictException("Someone else saved this response since you opened it. Your text is kept in the form.");
        (response.Scope, response.TeamId, response.Name, response.Body, response.UpdatedAt) =
            (input.Scope, input.Scope == ResponseScope.Team ? input.TeamId : null, name, body, clock.GetUtcNow().UtcDateTime);
        (response.SetStatus, response.SetPriority, response.AssignToMe, response.SetTeamId, response.AddTags, response.AsNote) =
            (changes.Status, changes.Priority, changes.AssignToMe, changes.TeamId, string.Join(",", addTags), input.AsNote);
        response.OwnerId = input.Scope == ResponseScope.Personal ? response.OwnerId ?? actor.UserId : response.OwnerId;
        if (!MayEdit(actor, response, teams))
            throw new DeskForbiddenException(input.Scope == ResponseScope.Department
                ? "The department's responses are kept by its supervisors; make it personal or your team's."
                : "Team responses are kept by the team's members.");
        if (input.Id is not null)
            response.Version++;
        await db.SaveChangesAsync(ct);
        return response.Id;
    }

    /// <summary>Removes a response (kept, no longer offered).</summary>
    public async Task RemoveAsync(Actor actor, int id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var response = await db.Set<CannedResponse>().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new DeskNotFoundException($"Canned response {id} does not exist.");
        var teams = await db.TeamMembers.Where(m => m.UserId == actor.UserId).Select(m => m.TeamId).ToListAsync(ct);
        if (!actor.CanWorkIn(response.DepartmentId) || !MayEdit(actor, response, teams))
            throw new DeskForbiddenException("You may remove your own responses, your teams' and (as a supervisor) the department's.");
        response.IsActive = false;
        response.Version++;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The response's text filled from the ticket, for the reply box (the agent reads and edits it before sending); the use is counted.</summary>
    public async Task<string> UseAsync(Actor actor, int responseId, int ticketId, CancellationToken ct = default)
    {
        var (response, text) = await FillAsync(actor, responseId, ticketId, ct);
        await CountAsync(actor, response.Id, ticketId, ct);
        return text;
    }

    /// <summary>A response's text filled from the ticket, without counting a use (a macro's preview).</summary>
    public async Task<(ResponseRow Response, string Text)> FillAsync(Actor actor, int responseId, int ticketId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var ticket = await db.Tickets.AsNoTracking().Include(t => t.FieldValues).FirstOrDefaultAsync(t => t.Id == ticketId, ct);
        if (ticket is null || !actor.CanWorkIn(ticket.DepartmentId))
            throw new DeskForbiddenException("Canned responses are for the department's staff.");
        var usable = await ListAsync(actor, ticket.DepartmentId, ct);
        var response = usable.FirstOrDefault(r => r.Id == responseId)
            ?? throw new DeskNotFoundException($"Canned response {responseId} does not exist or is not yours to use.");
        return (response, Fill(response.Body, await ValuesAsync(db, actor, ticket, ct)));
    }

    /// <summary>
    /// Applies a macro to a ticket: its text (as the agent left it after the preview) and its changes, as one change through
    /// the pipeline (<see cref="Handling.TicketCommands.ApplyMacroAsync"/>), with conflict detection; the use is counted.
    /// </summary>
    public async Task<int> ApplyAsync(Actor actor, int responseId, int ticketId, int expectedVersion, string? text, CancellationToken ct = default)
    {
        var (response, _) = await FillAsync(actor, responseId, ticketId, ct);
        var version = await commands.ApplyMacroAsync(actor, ticketId, expectedVersion, response.Changes, text, isPublic: !response.AsNote, ct);
        await CountAsync(actor, response.Id, ticketId, ct);
        return version;
    }

    /// <summary>At most this many tickets take a macro at once.</summary>
    public const int PickedMax = 500;

    /// <summary>
    /// Applies a macro to tickets picked in a queue: to each, its text filled from that ticket and its changes, as one change
    /// through the pipeline like <see cref="ApplyAsync"/>; a ticket changed since it was picked, or one the agent may not
    /// change, is refused with the reason and left as it was, and the others go on.
    /// </summary>
    public async Task<IReadOnlyList<Handling.PickedOutcome>> ApplyToPickedAsync(Actor actor, int responseId, IReadOnlyList<Handling.PickedTicket> picked,
        CancellationToken ct = default)
    {
        if (picked.Count == 0)
            throw new DeskValidationException("Tickets", "Pick at least one ticket.");
        if (picked.Count > PickedMax)
            throw new DeskValidationException("Tickets", $"A macro can be applied to at most {PickedMax} tickets at once; {picked.Count} are picked.");
        Dictionary<int, string> keys;
        await using (var db = await dbFactory.CreateForAsync(actor, ct))
        {
            var ids = picked.Select(p => p.Id).ToList();
            keys = await db.Tickets.Where(t => ids.Contains(t.Id)).Where(TicketAccess.Visible(actor))
                .ToDictionaryAsync(t => t.Id, t => t.Key, ct);
        }

        var outcomes = new List<Handling.PickedOutcome>();
        foreach (var ticket in picked.DistinctBy(p => p.Id))
            outcomes.Add(await Handling.PickedOutcomes.OneAsync(ticket.Id, () => keys.GetValueOrDefault(ticket.Id) ?? $"#{ticket.Id}", async () =>
            {
                var (response, text) = await FillAsync(actor, responseId, ticket.Id, ct);
                await commands.ApplyMacroAsync(actor, ticket.Id, ticket.Version, response.Changes, text, isPublic: !response.AsNote, ct);
                await CountAsync(actor, response.Id, ticket.Id, ct);
            }));

        return outcomes;
    }

    private async Task CountAsync(Actor actor, int responseId, int ticketId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        db.Set<CannedResponseUse>().Add(new CannedResponseUse { ResponseId = responseId, UserId = actor.UserId, TicketId = ticketId, At = clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(ct);
    }

    private static async Task<HashSet<string>> FieldLabelsAsync(DeskDbContext db, int departmentId, CancellationToken ct) =>
        (await db.CustomFields.Where(f => f.Category!.DepartmentId == departmentId).Select(f => f.Label).ToListAsync(ct))
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    private static async Task<Dictionary<string, string>> ValuesAsync(DeskDbContext db, Actor actor, Ticket ticket, CancellationToken ct)
    {
        var requester = await db.Users.Where(u => u.Id == ticket.RequesterId).Select(u => new { u.DisplayName, u.Email }).FirstAsync(ct);
        var department = await db.Departments.Where(d => d.Id == ticket.DepartmentId).Select(d => d.Name).FirstAsync(ct);
        var due = await db.TicketSlaStates.Where(s => s.TicketId == ticket.Id).Select(s => new { s.Metric, s.DueAt }).ToListAsync(ct);
        var fieldIds = ticket.FieldValues.Select(v => v.FieldId).ToList();
        var labels = await db.CustomFields.Where(f => fieldIds.Contains(f.Id)).ToDictionaryAsync(f => f.Id, f => f.Label, ct);
        string When(SlaMetric m) => due.FirstOrDefault(d => d.Metric == m)?.DueAt is { } at
            ? at.ToString("dddd d MMMM, HH:mm", CultureInfo.InvariantCulture) + " UTC" : "as soon as we can";
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["requester.firstName"] = FirstName(requester.DisplayName), ["requester.name"] = requester.DisplayName, ["requester.email"] = requester.Email ?? "",
            ["ticket.key"] = ticket.Key, ["ticket.title"] = ticket.Title, ["ticket.status"] = Display.Status(ticket.Status),
            ["ticket.priority"] = ticket.Priority.ToString(), ["ticket.link"] = $"/requests/{ticket.Id}", ["department.name"] = department,
            ["agent.name"] = actor.DisplayName, ["agent.firstName"] = FirstName(actor.DisplayName),
            ["sla.firstResponseDue"] = When(SlaMetric.FirstResponse), ["sla.resolutionDue"] = When(SlaMetric.Resolution),
        };
        foreach (var label in (await FieldLabelsAsync(db, ticket.DepartmentId, ct)))
            values[$"field.{label}"] = "";
        foreach (var v in ticket.FieldValues)
            if (labels.TryGetValue(v.FieldId, out var label))
                values[$"field.{label}"] = v.Value;
        return values;
    }

    private static string FirstName(string name) => name.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? name;

    /// <summary>The first problem of a text's placeholders (an unknown one, named; an unclosed brace), or null.</summary>
    internal static string? Check(string body, IReadOnlySet<string> fieldLabels)
    {
        foreach (var (name, at, _) in Names(body))
        {
            if (name is null)
                return $"Text: the \"{{\" at character {at + 1} is never closed.";
            var known = Placeholders.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && !p.Name.StartsWith("field.", StringComparison.Ordinal))
                || (name.StartsWith("field.", StringComparison.OrdinalIgnoreCase) && fieldLabels.Contains(name["field.".Length..]));
            if (!known)
                return name.StartsWith("field.", StringComparison.OrdinalIgnoreCase)
                    ? $"Text: {{{name}}} names no custom field of this department."
                    : $"Text: {{{name}}} is not a placeholder; use one of {{{string.Join("} {", Placeholders.Where(p => !p.Name.StartsWith("field.", StringComparison.Ordinal)).Select(p => p.Name))}}} or {{field.<label>}}.";
        }

        return null;
    }

    /// <summary>The text with its placeholders filled (one unknown at use, after a field was removed, is left as typed).</summary>
    internal static string Fill(string body, IReadOnlyDictionary<string, string> values)
    {
        var output = new StringBuilder();
        var i = 0;
        foreach (var (name, at, end) in Names(body))
        {
            output.Append(body, i, at - i);
            if (name is null)
            {
                i = at;
                break;
            }

            output.Append(values.TryGetValue(name, out var value) ? value : "{" + name + "}");
            i = end + 1;
        }

        return output.Append(body, i, body.Length - i).ToString();
    }

    /// <summary>Each placeholder's name and where its "{" and "}" stand; a null name for a "{" that is never closed (the last one).</summary>
    private static IEnumerable<(string? Name, int At, int End)> Names(string body)
    {
        for (var i = body.IndexOf('{'); i >= 0; i = body.IndexOf('{', i + 1))
        {
            var end = body.IndexOf('}', i + 1);
            if (end < 0)
            {
                yield return (null, i, body.Length);
                yield break;
            }

            yield return (body[(i + 1)..end].Trim(), i, end);
            i = end;
        }
    }
}

using System.Globalization;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Core.Complaints;

/// <summary>A complaint as logged: the request part (department, title, what happened) and the complaint's own form.</summary>
public sealed record ComplaintInput(int DepartmentId, string? Title, string? Description, string? Complainant, string? ComplainantContact,
    ComplaintChannel Channel, ComplaintSubject About, string? AboutDetail, ComplaintSeverity Severity, bool Regulatory, DateTime? ReceivedAt);

/// <summary>The complaint's form as its handler edits it, outcome included.</summary>
public sealed record ComplaintEdit(string? Complainant, string? ComplainantContact, ComplaintChannel Channel, ComplaintSubject About,
    string? AboutDetail, ComplaintSeverity Severity, bool Regulatory, DateTime ReceivedAt, string? RootCause, ComplaintOutcome? Outcome,
    string? Redress, string? LessonsLearned);

/// <summary>A complaint's form with its version (for conflict detection); <see cref="CanEdit"/> is false for auditors.</summary>
public sealed record ComplaintDetails(int TicketId, ComplaintEdit Form, int Version, bool CanEdit);

/// <summary>One line of the complaint register.</summary>
public sealed record ComplaintRow(int TicketId, string Key, string Title, string Department, TicketStatus Status, string Complainant,
    ComplaintChannel Channel, ComplaintSubject About, string AboutDetail, ComplaintSeverity Severity, bool Regulatory, DateTime ReceivedAt,
    DateTime LoggedAt, DateTime? AcknowledgedAt, DateTime? AcknowledgeDue, SlaState? AcknowledgeSla, DateTime? FinalResponseAt,
    DateTime? FinalResponseDue, SlaState? FinalResponseSla, ComplaintOutcome? Outcome, string? Redress);

/// <summary>Register filters; every part optional. Dates are whole UTC days of receipt, both ends included.</summary>
public sealed record ComplaintQuery(int? DepartmentId = null, ComplaintOutcome? Outcome = null, bool RegulatoryOnly = false, bool? Open = null,
    ComplaintSeverity? Severity = null, DateOnly? ReceivedFrom = null, DateOnly? ReceivedTo = null, string? Text = null);

/// <summary>
/// Formal complaints: logged by anyone through their own form as a ticket of the Complaint type in the department that
/// answers for it, handled in that department's queue under the seeded complaint SLA policy (acknowledgement and final
/// response), and resolved or closed only once root cause, outcome, redress and lessons learned are recorded. The
/// register lists them all with dates, outcome and SLA result for compliance officers and auditors.
/// </summary>
public sealed class ComplaintService(IDbContextFactory<DeskDbContext> dbFactory, TicketFiling filing, TimeProvider clock)
{
    /// <summary>The name a department's complaints category starts with (it is found by its purpose).</summary>
    public const string CategoryName = "Complaints";
    public const string PolicyName = "Complaints";

    public async Task<CreatedTicket> FileAsync(Actor actor, ComplaintInput input, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var (complainant, detail) = CheckForm(errors, input.Complainant, input.ComplainantContact, input.AboutDetail, input.Channel, input.About,
            input.Severity);
        var now = clock.GetUtcNow().UtcDateTime;
        var received = input.ReceivedAt is { } r ? DateTime.SpecifyKind(r, DateTimeKind.Utc) : now;
        if (received > now.AddMinutes(5))
            errors.Add(nameof(input.ReceivedAt), "Received: the date cannot be in the future.");
        errors.ThrowIfAny();

        int typeId, categoryId;
        await using (var db = await dbFactory.CreateForAsync(actor, ct))
        {
            if (!await db.Departments.AnyAsync(d => d.Id == input.DepartmentId && d.IsActive, ct))
                throw new DeskValidationException(nameof(input.DepartmentId), "Department: choose the department that answers for the complaint.");
            (typeId, categoryId) = await EnsureTypeAndCategoryAsync(db, input.DepartmentId, ct);
        }

        var request = new NewTicketInput(input.DepartmentId, categoryId, input.Title ?? "", input.Description ?? "",
            new Dictionary<int, string?>(), [], typeId, PriorityFor(input.Severity));
        return await filing.CreateAsync(actor, request, (db, ticket, _) => db.Complaints.Add(new Complaint
        {
            TicketId = ticket.Id, Complainant = complainant, ComplainantContact = Blank(input.ComplainantContact), Channel = input.Channel,
            About = input.About, AboutDetail = detail, Severity = input.Severity, Regulatory = input.Regulatory, ReceivedAt = received, Version = 1,
        }), ct);
    }

    /// <summary>The complaint's form for the ticket page: null when the ticket is not a complaint.</summary>
    public async Task<ComplaintDetails?> GetAsync(Actor actor, int ticketId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId)
            .Select(t => new { t.DepartmentId, t.CreatedAt, IsComplaint = t.Type!.Kind == TicketKind.Complaint }).FirstOrDefaultAsync(ct);
        if (ticket is null || !Access.MayReadDepartment(actor, ticket.DepartmentId))
            throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not see its complaint.");
        var c = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(x => x.TicketId == ticketId, ct);
        if (c is null)
        {
            return ticket.IsComplaint
                ? new ComplaintDetails(ticketId, new ComplaintEdit("", null, ComplaintChannel.Portal, ComplaintSubject.Service, "", ComplaintSeverity.Medium,
                    false, ticket.CreatedAt, null, null, null, null), 0, actor.CanWorkIn(ticket.DepartmentId))
                : null;
        }

        return new ComplaintDetails(ticketId, new ComplaintEdit(c.Complainant, c.ComplainantContact, c.Channel, c.About, c.AboutDetail, c.Severity,
            c.Regulatory, c.ReceivedAt, c.RootCause, c.Outcome, c.Redress, c.LessonsLearned), c.Version, actor.CanWorkIn(ticket.DepartmentId));
    }

    /// <summary>
    /// Saves the complaint's form (details and outcome) for an agent of the ticket's department. Version 0 records the
    /// form of a Complaint-type ticket that has none yet. Someone else's save since <paramref name="expectedVersion"/> is a conflict.
    /// </summary>
    public async Task<int> SaveAsync(Actor actor, int ticketId, int expectedVersion, ComplaintEdit edit, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var ticket = await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId)
            .Select(t => new { t.DepartmentId, IsComplaint = t.Type!.Kind == TicketKind.Complaint }).FirstOrDefaultAsync(ct);
        if (ticket is null || !actor.CanWorkIn(ticket.DepartmentId))
        {
            if (ticket is not null && actor.CanReadAudit)
                throw new DeskForbiddenException("Auditors read complaints; only agents of the department change them.");
            throw new DeskNotFoundException($"Ticket {ticketId} does not exist or you may not change it.");
        }

        var errors = new ValidationErrors();
        var (complainant, detail) = CheckForm(errors, edit.Complainant, edit.ComplainantContact, edit.AboutDetail, edit.Channel, edit.About,
            edit.Severity);
        errors.MaxLength(nameof(edit.RootCause), edit.RootCause?.Trim(), ComplaintLimits.Long, "Root cause");
        errors.MaxLength(nameof(edit.Redress), edit.Redress?.Trim(), ComplaintLimits.Long, "Redress");
        errors.MaxLength(nameof(edit.LessonsLearned), edit.LessonsLearned?.Trim(), ComplaintLimits.Long, "Lessons learned");
        if (edit.Outcome is { } outcome && !Enum.IsDefined(outcome))
            errors.Add(nameof(edit.Outcome), "Outcome: choose upheld, partly upheld or not upheld.");
        if (edit.ReceivedAt > clock.GetUtcNow().UtcDateTime.AddMinutes(5))
            errors.Add(nameof(edit.ReceivedAt), "Received: the date cannot be in the future.");
        errors.ThrowIfAny();

        var complaint = await db.Complaints.FirstOrDefaultAsync(c => c.TicketId == ticketId, ct);
        if (complaint is null)
        {
            if (!ticket.IsComplaint)
                throw new DeskValidationException("TypeId", "Type: only a ticket of the Complaint type has a complaint form.");
            if (expectedVersion != 0)
                throw new DeskConflictException("The complaint's form was removed meanwhile.");
            complaint = new Complaint { TicketId = ticketId, Version = 0 };
            db.Complaints.Add(complaint);
        }
        else if (complaint.Version != expectedVersion)
        {
            throw new DeskConflictException("Someone else saved this complaint's form while you were editing it. Your changes are kept in the form: "
                + "reload to see theirs, then save yours again.");
        }

        complaint.Complainant = complainant;
        complaint.ComplainantContact = Blank(edit.ComplainantContact);
        complaint.Channel = edit.Channel;
        complaint.About = edit.About;
        complaint.AboutDetail = detail;
        complaint.Severity = edit.Severity;
        complaint.Regulatory = edit.Regulatory;
        complaint.ReceivedAt = DateTime.SpecifyKind(edit.ReceivedAt, DateTimeKind.Utc);
        complaint.RootCause = Blank(edit.RootCause);
        complaint.Outcome = edit.Outcome;
        complaint.Redress = Blank(edit.Redress);
        complaint.LessonsLearned = Blank(edit.LessonsLearned);
        complaint.Version++;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (expectedVersion == 0 || db.ChangeTracker.Entries<Complaint>().Any())
        {
            throw new DeskConflictException("Someone else saved this complaint's form while you were editing it. Your changes are kept in the form: "
                + "reload to see theirs, then save yours again.");
        }

        return complaint.Version;
    }

    /// <summary>
    /// Why a ticket may not be resolved or closed yet, or null: a complaint needs its root cause, outcome, redress and
    /// lessons learned recorded first (and a Complaint-type ticket its form).
    /// </summary>
    internal static async Task<string?> MissingBeforeCloseAsync(DeskDbContext db, Ticket ticket, CancellationToken ct)
    {
        var complaint = await db.Complaints.AsNoTracking().FirstOrDefaultAsync(c => c.TicketId == ticket.Id, ct);
        if (complaint is null)
        {
            return await db.TicketTypes.AnyAsync(t => t.Id == ticket.TypeId && t.Kind == TicketKind.Complaint, ct)
                ? "Status: a complaint is resolved or closed only after its complaint form and outcome are recorded (Complaint panel)."
                : null;
        }

        var missing = MissingOutcome(complaint);
        return missing.Count == 0
            ? null
            : $"Status: a complaint is resolved or closed only once its outcome is recorded; missing: {string.Join(", ", missing)}.";
    }

    public static IReadOnlyList<string> MissingOutcome(Complaint c)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(c.RootCause))
            missing.Add("root cause");
        if (c.Outcome is null)
            missing.Add("outcome");
        if (string.IsNullOrWhiteSpace(c.Redress))
            missing.Add("redress");
        if (string.IsNullOrWhiteSpace(c.LessonsLearned))
            missing.Add("lessons learned");
        return missing;
    }

    /// <summary>The register, newest receipt first: admins and auditors see every complaint, agents and supervisors their departments'.</summary>
    public async Task<PagedResult<ComplaintRow>> RegisterAsync(Actor actor, ComplaintQuery query, int page = 1, int pageSize = 50,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var complaints = Filter(db, actor, query);
        pageSize = Math.Clamp(pageSize, 1, 500);
        var total = await complaints.CountAsync(ct);
        var items = await Rows(db, complaints.OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.TicketId)
            .Skip((Math.Max(page, 1) - 1) * pageSize).Take(pageSize)).ToListAsync(ct);
        return new PagedResult<ComplaintRow>(items, total, Math.Max(page, 1), pageSize);
    }

    public static readonly string[] CsvColumns =
    [
        "Ticket", "Title", "Department", "Status", "Complainant", "Channel", "About", "About detail", "Severity", "Regulatory",
        "Received (UTC)", "Logged (UTC)", "Acknowledged (UTC)", "Acknowledgement due (UTC)", "Acknowledgement SLA", "Final response (UTC)",
        "Final response due (UTC)", "Final response SLA", "Outcome", "Redress",
    ];

    /// <summary>The register as CSV, every matching complaint, in the order the page shows them.</summary>
    public async Task<int> WriteRegisterCsvAsync(Actor actor, ComplaintQuery query, TextWriter writer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        await using var csv = SafeCsv.Writer(writer);
        foreach (var column in CsvColumns)
            csv.WriteField(column);
        await csv.NextRecordAsync();
        var count = 0;
        await foreach (var r in Rows(db, Filter(db, actor, query).OrderByDescending(c => c.ReceivedAt).ThenByDescending(c => c.TicketId))
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            foreach (var value in new[]
                     {
                         r.Key, r.Title, r.Department, Display.Status(r.Status), r.Complainant, ComplaintDisplay.Channel(r.Channel), r.About.ToString(),
                         r.AboutDetail, r.Severity.ToString(), r.Regulatory ? "yes" : "no", Utc(r.ReceivedAt), Utc(r.LoggedAt), Utc(r.AcknowledgedAt),
                         Utc(r.AcknowledgeDue), ComplaintDisplay.Sla(r.AcknowledgeSla), Utc(r.FinalResponseAt), Utc(r.FinalResponseDue),
                         ComplaintDisplay.Sla(r.FinalResponseSla), ComplaintDisplay.Outcome(r.Outcome), r.Redress,
                     })
                csv.WriteField(value);
            await csv.NextRecordAsync();
            count++;
        }

        await csv.FlushAsync();
        return count;
    }

    private static IQueryable<Complaint> Filter(DeskDbContext db, Actor actor, ComplaintQuery q)
    {
        if (!Access.MayReadReports(actor))
            throw new DeskForbiddenException("The complaint register is for agents, supervisors, admins and auditors.");
        var complaints = db.Complaints.AsNoTracking();
        if (!Access.ReadsEveryDepartment(actor))
        {
            var mine = actor.DepartmentIds.ToList();
            complaints = complaints.Where(c => mine.Contains(c.Ticket.DepartmentId));
        }

        if (q.DepartmentId is { } department)
            complaints = complaints.Where(c => c.Ticket.DepartmentId == department);
        if (q.Outcome is { } outcome)
            complaints = complaints.Where(c => c.Outcome == outcome);
        if (q.RegulatoryOnly)
            complaints = complaints.Where(c => c.Regulatory);
        if (q.Severity is { } severity)
            complaints = complaints.Where(c => c.Severity == severity);
        if (q.Open is { } open)
        {
            complaints = open
                ? complaints.Where(c => c.Ticket.Status != TicketStatus.Resolved && c.Ticket.Status != TicketStatus.Closed)
                : complaints.Where(c => c.Ticket.Status == TicketStatus.Resolved || c.Ticket.Status == TicketStatus.Closed);
        }

        if (q.ReceivedFrom is { } from)
        {
            var start = UtcDays.Start(from);
            complaints = complaints.Where(c => c.ReceivedAt >= start);
        }

        if (q.ReceivedTo is { } to)
        {
            var end = UtcDays.After(to);
            complaints = complaints.Where(c => c.ReceivedAt < end);
        }

        if (!string.IsNullOrWhiteSpace(q.Text))
        {
            var text = q.Text.Trim().ToLower();
            complaints = complaints.Where(c => c.Ticket.Key.ToLower() == text || c.Complainant.ToLower().Contains(text)
                || c.AboutDetail.ToLower().Contains(text) || c.Ticket.Title.ToLower().Contains(text));
        }

        return complaints;
    }

    private static IQueryable<ComplaintRow> Rows(DeskDbContext db, IQueryable<Complaint> complaints) =>
        complaints.Select(c => new ComplaintRow(c.TicketId, c.Ticket.Key, c.Ticket.Title, c.Ticket.Department!.Name, c.Ticket.Status,
            c.Complainant, c.Channel, c.About, c.AboutDetail, c.Severity, c.Regulatory, c.ReceivedAt, c.Ticket.CreatedAt,
            db.TicketSlaStates.Where(s => s.TicketId == c.TicketId && s.Metric == SlaMetric.FirstResponse).Select(s => s.StoppedAt).FirstOrDefault(),
            db.TicketSlaStates.Where(s => s.TicketId == c.TicketId && s.Metric == SlaMetric.FirstResponse).Select(s => s.DueAt).FirstOrDefault(),
            db.TicketSlaStates.Where(s => s.TicketId == c.TicketId && s.Metric == SlaMetric.FirstResponse).Select(s => (SlaState?)s.State).FirstOrDefault(),
            db.TicketSlaStates.Where(s => s.TicketId == c.TicketId && s.Metric == SlaMetric.Resolution).Select(s => s.StoppedAt).FirstOrDefault(),
            db.TicketSlaStates.Where(s => s.TicketId == c.TicketId && s.Metric == SlaMetric.Resolution).Select(s => s.DueAt).FirstOrDefault(),
            db.TicketSlaStates.Where(s => s.TicketId == c.TicketId && s.Metric == SlaMetric.Resolution).Select(s => (SlaState?)s.State).FirstOrDefault(),
            c.Outcome, c.Redress));

    /// <summary>The Complaint type and a department's "Complaints" category, made when first needed.</summary>
    private static async Task<(int TypeId, int CategoryId)> EnsureTypeAndCategoryAsync(DeskDbContext db, int departmentId, CancellationToken ct)
    {
        var type = await db.TicketTypes.FirstAsync(t => t.Kind == TicketKind.Complaint, ct);

        var category = await db.Categories.FirstOrDefaultAsync(c => c.DepartmentId == departmentId && c.Purpose == CategoryPurpose.Complaints, ct);
        if (category is null)
        {
            category = new Category
            {
                DepartmentId = departmentId, Name = CategoryName, Purpose = CategoryPurpose.Complaints,
                Description = "Formal complaints, logged through the complaint form.",
            };
            db.Categories.Add(category);
        }

        type.IsActive = true;
        category.IsActive = true;
        await db.SaveChangesAsync(ct);
        return (type.Id, category.Id);
    }

    /// <summary>The complaint's own form, the same when logged and when edited: returns the trimmed complainant and subject.</summary>
    private static (string Complainant, string Detail) CheckForm(ValidationErrors errors, string? complainant, string? contact, string? detail,
        ComplaintChannel channel, ComplaintSubject about, ComplaintSeverity severity)
    {
        complainant = complainant?.Trim() ?? "";
        detail = detail?.Trim() ?? "";
        errors.Required(nameof(ComplaintEdit.Complainant), complainant, "Complainant");
        errors.MaxLength(nameof(ComplaintEdit.Complainant), complainant, ComplaintLimits.Short, "Complainant");
        errors.MaxLength(nameof(ComplaintEdit.ComplainantContact), contact?.Trim(), ComplaintLimits.Short, "Contact");
        errors.Required(nameof(ComplaintEdit.AboutDetail), detail, "What it is about");
        errors.MaxLength(nameof(ComplaintEdit.AboutDetail), detail, ComplaintLimits.Short, "What it is about");
        CheckChoices(errors, channel, about, severity);
        return (complainant, detail);
    }

    private static void CheckChoices(ValidationErrors errors, ComplaintChannel channel, ComplaintSubject about, ComplaintSeverity severity)
    {
        if (!Enum.IsDefined(channel))
            errors.Add("Channel", "Channel: choose how the complaint came in.");
        if (!Enum.IsDefined(about))
            errors.Add("About", "About: choose service, person or product.");
        if (!Enum.IsDefined(severity))
            errors.Add("Severity", "Severity: choose low, medium, high or critical.");
    }

    private static TicketPriority PriorityFor(ComplaintSeverity severity) => severity switch
    {
        ComplaintSeverity.Low => TicketPriority.Low,
        ComplaintSeverity.High => TicketPriority.High,
        ComplaintSeverity.Critical => TicketPriority.Critical,
        _ => TicketPriority.Normal,
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string? Utc(DateTime? at) => at?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>Complaint values as people read them.</summary>
public static class ComplaintDisplay
{
    public static string Channel(ComplaintChannel c) => c switch
    {
        ComplaintChannel.InPerson => "In person",
        ComplaintChannel.SocialMedia => "Social media",
        _ => c.ToString(),
    };

    public static string Outcome(ComplaintOutcome? o) => o switch
    {
        ComplaintOutcome.Upheld => "Upheld",
        ComplaintOutcome.PartlyUpheld => "Partly upheld",
        ComplaintOutcome.NotUpheld => "Not upheld",
        _ => "",
    };

    public static string Sla(SlaState? s) => s switch
    {
        SlaState.Met => "Met",
        SlaState.Missed => "Missed",
        SlaState.Breached => "Breached",
        SlaState.Paused => "Paused",
        SlaState.Warning => "Running (warning)",
        SlaState.Running or SlaState.Idle => "Running",
        _ => "",
    };
}

/// <summary>A complaint is resolved or closed only once its outcome is recorded: the complaints' "before close" step.</summary>
internal sealed class ComplaintCloseHook : ITicketHook
{
    public Task<string?> BeforeCloseAsync(DeskDbContext db, Ticket ticket, CancellationToken ct) => ComplaintService.MissingBeforeCloseAsync(db, ticket, ct);
}

using Portal.Core.Tickets;
using Portal.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Handling;

/// <summary>
/// Files new tickets: checks the form (each error names its field), takes the department's next number and hands the
/// filing to the pipeline. Complaints, the service catalog and preventive maintenance file through here too.
/// </summary>
public sealed class TicketFiling(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketPipeline pipeline)
{
    public Task<CreatedTicket> CreateAsync(Actor actor, NewTicketInput input, CancellationToken ct = default) =>
        CreateAsync(actor, input, null, ct);

    /// <summary>
    /// Files a request; <paramref name="alsoAdd"/> adds rows of its own (a complaint's record, the email it came from and its
    /// files) in the same transaction, given the new ticket and its first history entry.
    /// </summary>
    internal async Task<CreatedTicket> CreateAsync(Actor actor, NewTicketInput input, Action<DeskDbContext, Ticket, TicketEvent>? alsoAdd,
        CancellationToken ct)
    {
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var errors = new ValidationErrors();
        var title = SafeText.WithoutDirectionControls(input.Title ?? "").Trim();
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
        var values = FieldRules.Normalise(formFields, input.Fields, errors, enforceRequired: !input.FieldsLater);
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

        var requesterId = actor.UserId;
        string? requesterTags = null;
        if (!string.IsNullOrWhiteSpace(input.RequesterEmail))
        {
            if (!actor.CanWorkIn(department.Id))
                errors.Add(nameof(input.RequesterEmail), "Requester: only staff of the department file requests for someone else.");
            else
            {
                var normalized = input.RequesterEmail.Trim().ToUpperInvariant();
                var requester = await db.Users.Where(u => u.NormalizedEmail == normalized && u.IsActive && !u.IsServiceAccount)
                    .Select(u => new { u.Id, u.Tags }).FirstOrDefaultAsync(ct);
                (requesterId, requesterTags) = (requester?.Id ?? "", requester?.Tags ?? "");
                if (requesterId.Length == 0)
                    errors.Add(nameof(input.RequesterEmail), $"Requester: no active person has the email {input.RequesterEmail.Trim()}.");
            }
        }

        var filingExtras = await pipeline.BeforeFilingAsync(db, actor, input, errors, ct);
        errors.ThrowIfAny();
        // The requester's tags, for rules that look at them, read before the transaction rather than inside it.
        requesterTags ??= await db.Users.Where(u => u.Id == requesterId).Select(u => u.Tags).FirstOrDefaultAsync(ct) ?? "";

        var now = clock.GetUtcNow().UtcDateTime;
        for (var attempt = 0; ; attempt++)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var change = await FileInTransactionAsync(db, requesterId, department.Id, category.Id, typeId!.Value, title, description, now,
                    (ticket, created) =>
                    {
                        AddAttachments(db, ticket.Id, created.Id, actor.UserId, input.Attachments, isPublic: true, now);
                        foreach (var add in filingExtras)
                            add(ticket);

                        alsoAdd?.Invoke(db, ticket, created);
                    }, ct, input.Priority, values, filedById: actor.UserId, requesterTags: requesterTags);
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
        TicketPriority priority = TicketPriority.Normal, IReadOnlyDictionary<int, string>? fields = null, string? filedById = null,
        string? requesterTags = null)
    {
        var filer = filedById ?? requesterId;
        var ticket = new Ticket
        {
            DepartmentId = departmentId, Title = title, Description = description,
            CategoryId = categoryId, TypeId = typeId, Priority = priority, Status = TicketStatus.New, RequesterId = requesterId,
            CreatedAt = now, UpdatedAt = now, Version = 1, MailKey = MailKeys.New(),
        };
        if (!db.Database.IsPostgres())
        {
            // SQLite lets one writing transaction in at a time: the department's next number is read and counted on here
            // (a lost race is retried by the caller).
            var dept = await db.Departments.FirstAsync(d => d.Id == departmentId, ct);
            (ticket.Number, ticket.Key) = (dept.NextTicketNumber, $"{dept.Code}-{dept.NextTicketNumber}");
            dept.NextTicketNumber++;
        }
        // On PostgreSQL the insert itself takes the number (PostgresNumbering): the department's row stays locked from the
        // insert to the commit, so concurrent filings take their numbers in turn, without a round trip before the insert.
        ticket.FieldValues.AddRange((fields ?? new Dictionary<int, string>()).Select(v => new TicketFieldValue { FieldId = v.Key, Value = v.Value }));
        db.Tickets.Add(ticket);
        var change = pipeline.Begin(db, ticket, filer, TicketChangeKind.Created, now);
        var created = new TicketEvent
        {
            At = now, ActorId = filer, Kind = TicketEventKind.Created, IsPublic = true, Body = description, NewValue = title,
        };
        change.Record(created);
        change.Triggers.Add(Routing.RuleTrigger.Created);
        change.RuleText = $"{title}\n{description}";
        change.RequesterTags = requesterTags;
        if (afterInsert is not null)
            change.AfterFirstWrite(() => afterInsert(ticket, created));
        await pipeline.RunAsync(change, ct);
        return change;
    }

    internal static void AddAttachments(DeskDbContext db, int ticketId, long eventId, string userId,
        IReadOnlyList<NewAttachment> files, bool isPublic, DateTime now)
    {
        foreach (var f in files)
        {
            db.Attachments.Add(new Attachment
            {
                TicketId = ticketId, EventId = eventId, FileName = SafeText.FileName(f.FileName),
                ContentType = AttachmentRules.ContentTypeFor(f.FileName), Size = f.Data.LongLength,
                UploadedAt = now, UploadedById = userId, IsPublic = isPublic,
                Content = new AttachmentContent { Data = f.Data },
            });
        }
    }
}

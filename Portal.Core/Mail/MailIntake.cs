using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Handling;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Core.Users;

namespace Portal.Core.Mail;

/// <summary>What became of one message, in one line ("new request IT-123", "ignored: auto-reply").</summary>
public sealed record MailResult(MailOutcome Outcome, string Line, string? TicketKey = null);

/// <summary>
/// The one way mail comes in, whichever way it was fetched (the <c>mail ingest</c> pipe, IMAP, Microsoft Graph): a new
/// message becomes a request of the addressed mailbox's department from its sender, an answer becomes a reply on its
/// ticket, through the same pipeline and the same access rule as the pages. Exactly once: the message's key is written
/// in the same transaction as the change it causes, so taking the same message in again changes nothing.
/// </summary>
public sealed partial class MailIntake(IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, TicketFiling filing, TicketCommands commands,
    ActorService actors, AuditService audit, NotificationService notifications, IServiceScopeFactory scopes, IOptions<MailOptions> options,
    IOptions<DeliveryOptions> delivery)
{
    /// <summary>Takes in one raw RFC 5322 message; <paramref name="mailbox"/> names the mailbox when the message does not say.</summary>
    public async Task<MailResult> IngestAsync(byte[] raw, string? mailbox = null, CancellationToken ct = default)
    {
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            message = await MimeMessage.LoadAsync(stream, ct);
        }
        catch (FormatException ex)
        {
            throw new MailUnreadableException($"not a mail message: {ex.Message}");
        }

        if (message.Headers.Count == 0 || (message.From.Count == 0 && message.Sender is null))
            throw new MailUnreadableException("not a mail message: it has no From.");
        return await IngestAsync(message, raw, mailbox, quarantined: null, ct);
    }

    /// <summary>A message a mailbox reader fetched: taken in, or held in the quarantine when it is not mail the desk can read.</summary>
    public async Task<MailResult> TakeFromMailboxAsync(byte[] raw, Mailbox mailbox, CancellationToken ct = default)
    {
        try
        {
            return await IngestAsync(raw, mailbox.Address, ct);
        }
        catch (MailUnreadableException ex)
        {
            return await QuarantineAsync(raw, mailbox.Id, ex.Message, ct);
        }
    }

    /// <summary>A message read from a mailbox that is not mail the desk can read: held with its bytes, so nothing is lost.</summary>
    public async Task<MailResult> QuarantineAsync(byte[] raw, int mailboxId, string why, CancellationToken ct = default)
    {
        var key = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.InboundMessages.AnyAsync(m => m.MessageKey == key, ct))
            return new MailResult(MailOutcome.Duplicate, "duplicate: taken in before");
        var record = new Record(this, db, null, key, "", "", mailboxId, clock.GetUtcNow().UtcDateTime, raw);
        return await record.SaveAsync(MailOutcome.Quarantined, $"quarantined: {why}", keepRaw: true, ct: ct);
    }

    /// <summary>A quarantined message taken in again (an admin's Retry): the flood limit no longer holds it.</summary>
    public async Task<MailResult> RetryAsync(Actor actor, long id, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor, "Only admins can release quarantined mail.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var held = await db.InboundMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id && m.Outcome == MailOutcome.Quarantined, ct)
            ?? throw new DeskNotFoundException($"Message {id} is not in the quarantine.");
        if (held.Raw is null)
            throw new DeskValidationException("Message", "This message was not kept; drop it.");
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(held.Raw, writable: false);
            message = await MimeMessage.LoadAsync(stream, ct);
        }
        catch (FormatException)
        {
            throw new DeskValidationException("Message", "This message still cannot be read as mail; drop it.");
        }

        var mailbox = held.MailboxId is { } m ? await db.Mailboxes.Where(x => x.Id == m).Select(x => x.Address).FirstOrDefaultAsync(ct) : null;
        var result = await IngestAsync(message, held.Raw, mailbox, held, ct);
        await RecordAdminAsync(actor, "mail.released", held, result.Line, ct);
        return result;
    }

    /// <summary>An admin drops a quarantined message: it is kept as a record, without its bytes.</summary>
    public async Task DropAsync(Actor actor, long id, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor, "Only admins can drop quarantined mail.");
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var held = await db.InboundMessages.FirstOrDefaultAsync(m => m.Id == id && m.Outcome == MailOutcome.Quarantined, ct)
            ?? throw new DeskNotFoundException($"Message {id} is not in the quarantine.");
        held.Outcome = MailOutcome.Dropped;
        held.Detail = $"dropped by {actor.DisplayName}; was {held.Detail}";
        held.Raw = null;
        await db.SaveChangesAsync(ct);
        await RecordAdminAsync(actor, "mail.dropped", held, held.Detail, ct);
    }

    private async Task<MailResult> IngestAsync(MimeMessage message, byte[] raw, string? mailboxAddress, InboundMessage? quarantined, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var key = Key(message, raw);
        var from = (message.From.Mailboxes.FirstOrDefault() ?? message.Sender)!;
        var sender = from.Address.Trim().ToLowerInvariant();
        var subject = (message.Subject ?? "").Trim();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (quarantined is null && await db.InboundMessages.AnyAsync(m => m.MessageKey == key, ct))
            return new MailResult(MailOutcome.Duplicate, "duplicate: taken in before");

        var mailboxes = await db.Mailboxes.AsNoTracking().Where(m => m.IsActive).ToListAsync(ct);
        var addressed = Recipients(message).ToList();
        var mailbox = mailboxes.FirstOrDefault(m => addressed.Any(a => MailText.WithoutPlus(a) == m.Address))
            ?? mailboxes.FirstOrDefault(m => string.Equals(m.Address, mailboxAddress?.Trim(), StringComparison.OrdinalIgnoreCase));
        var record = new Record(this, db, quarantined, key, sender, subject, mailbox?.Id, now, raw);

        var ours = mailboxes.Select(m => m.Address).Append(OurFrom()).OfType<string>().ToList();
        if (MailText.Automatic(message, ours) is { } why)
            return await record.SaveAsync(MailOutcome.Ignored, $"ignored: {why}", ct: ct);
        if (mailbox is null)
            return await record.SaveAsync(MailOutcome.Quarantined, "quarantined: addressed to no mailbox of the desk", keepRaw: true, ct: ct);

        var mail = options.Value;
        if (quarantined is null)
        {
            var since = now.AddMinutes(-Math.Max(1, mail.FloodWindowMinutes));
            var recent = await db.InboundMessages.CountAsync(m => m.From == sender && m.ReceivedAt >= since, ct);
            if (recent >= Math.Max(1, mail.FloodLimit))
                return await record.SaveAsync(MailOutcome.Quarantined,
                    $"quarantined: more than {mail.FloodLimit} messages from {sender} in {mail.FloodWindowMinutes} minutes", keepRaw: true, ct: ct);
        }

        // An answer to an email that is decided by its links (an approval's) is no reply on the ticket: turned back, politely.
        if (message.References.Prepend(message.InReplyTo ?? "").Any(id => id.Length > 0 && MailKeys.IsNotForReplies(id)))
            return await RefuseAsync(record, message, mailbox, sender, "an answer to an email that is not answered (an approval's)", ct,
                "Hello,\n\nAnswers to this email are not read, so yours changed nothing. To decide, use the Approve or Reject link " +
                "in the email you answered, or open My approvals on the help desk.\n\nThe help desk");

        var user = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail == sender.ToUpperInvariant())
            .Select(u => new { u.Id, u.IsActive }).FirstOrDefaultAsync(ct);
        if (user is { IsActive: false })
            return await RefuseAsync(record, message, mailbox, sender, "the sender's account is deactivated", ct);
        var userId = user?.Id;
        if (userId is null)
        {
            if (!MayCreateAccount(mailbox, sender, mailboxes))
                return await RefuseAsync(record, message, mailbox, sender, "the sender is not of the organisation", ct);
            userId = await CreateRequesterAsync(sender, from.Name, ct);
        }

        var actor = await actors.LoadAsync(userId, ct) ?? throw new MailUnreadableException($"the account of {sender} cannot be read");
        var body = MailText.Body(message);
        var files = Files(message, out var leftOut);
        var (ticket, refusedThread) = await FindTicketAsync(db, message, addressed, subject, actor, ct);
        if (refusedThread is not null)
            await audit.RecordAsync(new AuditEntry
            {
                At = now, ActorKind = AuditActorKind.User, ActorId = actor.UserId, Action = "mail.thread-refused", EntityType = "ticket",
                EntityId = refusedThread, Source = "mail", After = $"{key}: {sender} may not see {refusedThread}; filed as a request of their own",
            }, ct);

        try
        {
            if (ticket is not null && (ticket.Status != TicketStatus.Closed || actor.CanWorkIn(ticket.DepartmentId)))
            {
                var cut = MailText.WithoutQuotedHistory(body);
                var answer = Bounded(cut, leftOut, withOriginal: true);
                // The whole message stays on record for the desk (staff only) when the reply shows less than it said.
                var keepOriginal = cut.Length < MailText.Normalise(body).Length || answer.Length < cut.Length;
                await commands.ReplyAsync(actor, ticket.Id, answer, isPublic: true, [], (tx, t, e) =>
                {
                    record.AddTo(tx, MailOutcome.Replied, $"reply on {t.Key}", t.Id);
                    TicketFiling.AddAttachments(tx, t.Id, e.Id, actor.UserId, files.Where(Fits).ToList(), isPublic: true, now);
                    if (keepOriginal && Fits(Original(raw)))
                        TicketFiling.AddAttachments(tx, t.Id, e.Id, actor.UserId, [Original(raw)], isPublic: false, now);
                }, ct);
                return new MailResult(MailOutcome.Replied, $"reply on {ticket.Key}", ticket.Key);
            }

            var description = Bounded(ticket is not null ? $"Follows up {ticket.Key}, which is closed.\n\n{body}" : body, leftOut, withOriginal: false);
            var title = SafeText.WithoutDirectionControls(subject.Length == 0 ? "(no subject)" : subject);
            if (title.Length > TicketLimits.TitleMax)
                title = title[..TicketLimits.TitleMax];
            var category = mailbox.CategoryId ?? await DefaultCategoryAsync(db, mailbox.DepartmentId, ct);
            string? filedKey = null;
            var created = await filing.CreateAsync(actor, new NewTicketInput(mailbox.DepartmentId, category, title, description.Length == 0 ? "(empty message)" : description,
                new Dictionary<int, string?>(), [], TypeId: mailbox.TypeId) { FieldsLater = true }, (tx, t, e) =>
            {
                filedKey = t.Key;
                record.AddTo(tx, MailOutcome.Created, $"new request {t.Key}", t.Id);
                TicketFiling.AddAttachments(tx, t.Id, e.Id, actor.UserId, files.Where(Fits).ToList(), isPublic: true, now);
            }, ct);
            await AcknowledgeAsync(created.Id, userId, subject, ct);
            return new MailResult(MailOutcome.Created, $"new request {filedKey ?? created.Key}", created.Key);
        }
        catch (DbUpdateException) when (quarantined is null)
        {
            // Another node (or a second delivery) took the same message in at the same moment: it counts once.
            if (await SeenAsync(key, ct))
                return new MailResult(MailOutcome.Duplicate, "duplicate: taken in before");
            throw;
        }
        catch (DeskValidationException ex)
        {
            return await record.SaveAsync(MailOutcome.Quarantined, $"quarantined: {string.Join("; ", ex.Errors.Values)}", keepRaw: true, ct: ct);
        }
    }

    private async Task<bool> SeenAsync(string key, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.InboundMessages.AnyAsync(m => m.MessageKey == key, ct);
    }

    /// <summary>
    /// The ticket an answer belongs to: by the reply key in the address it was sent to, then by the Message-Ids it answers
    /// (ours carry the key; others are mail the desk took in), then by a ticket number in the subject when the sender
    /// takes part in that ticket. A ticket found by key that the sender may not see is refused (named, for the audit).
    /// </summary>
    private static async Task<(Ticket? Ticket, string? Refused)> FindTicketAsync(DeskDbContext db, MimeMessage message, IReadOnlyList<string> addressed,
        string subject, Actor actor, CancellationToken ct)
    {
        var keys = addressed.Select(MailText.PlusKey).OfType<string>()
            .Concat(message.References.Prepend(message.InReplyTo ?? "").Select(id => MailKeys.FromMessageId(id)).OfType<string>())
            .Distinct().ToList();
        Ticket? found = null;
        if (keys.Count > 0)
            found = await db.Tickets.AsNoTracking().Include(t => t.Watchers).FirstOrDefaultAsync(t => t.MailKey != null && keys.Contains(t.MailKey), ct);
        if (found is null)
        {
            var answered = message.References.Prepend(message.InReplyTo ?? "").Where(id => id.Length > 0).Select(id => $"<{id.Trim('<', '>')}>").ToList();
            if (answered.Count > 0)
            {
                var ticketId = await db.InboundMessages.Where(m => answered.Contains(m.MessageKey) && m.TicketId != null).Select(m => m.TicketId).FirstOrDefaultAsync(ct);
                if (ticketId is not null)
                    found = await db.Tickets.AsNoTracking().Include(t => t.Watchers).FirstOrDefaultAsync(t => t.Id == ticketId, ct);
            }
        }

        if (found is not null)
            return TicketAccess.MaySee(actor, found) ? (found, null) : (null, found.Key);

        // The number in the subject alone proves nothing: it counts only for someone who takes part in that ticket.
        foreach (Match m in TicketNumber().Matches(subject))
        {
            var byNumber = await db.Tickets.AsNoTracking().Include(t => t.Watchers).FirstOrDefaultAsync(t => t.Key == m.Value.ToUpperInvariant(), ct);
            if (byNumber is not null && TicketAccess.MaySee(actor, byNumber))
                return (byNumber, null);
        }

        return (null, null);
    }

    private async Task<MailResult> RefuseAsync(Record record, MimeMessage message, Mailbox mailbox, string sender, string why, CancellationToken ct,
        string? letter = null)
    {
        var result = await record.SaveAsync(MailOutcome.Refused, $"refused: {why}", ct: ct, also: db =>
        {
            // One polite answer, never to an automatic sender (those were ignored above), never twice for one message.
            var subject = message.Subject is { Length: > 0 } s ? $"Re: {s}" : "Your message";
            notifications.AddLetter(db, NotificationService.AddressTarget + sender, null, $"refused:{Hash(record.Key)}", subject,
                letter ?? $"Hello,\n\nThank you for writing to {mailbox.Address}. This address takes requests from people of the organisation only, " +
                "so your message was not filed. If you work here, write from your work address, or ask the help desk to add yours.\n\nThe help desk",
                record.Now);
        });
        await audit.RecordAsync(new AuditEntry
        {
            At = record.Now, ActorKind = AuditActorKind.System, Action = "mail.refused", EntityType = "mail", EntityId = record.Key,
            Source = "mail", After = $"{sender} to {mailbox.Address}: {why}",
        }, ct);
        return result;
    }

    /// <summary>Tells the requester their mail became a request: its number and the promise of its first answer.</summary>
    private async Task AcknowledgeAsync(int ticketId, string userId, string subject, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var t = await db.Tickets.AsNoTracking().Where(x => x.Id == ticketId).Select(x => new { x.Key, x.Title, x.SlaDueAt, Department = x.Department!.Name })
            .FirstAsync(ct);
        var promise = t.SlaDueAt is { } due ? $"We aim to answer by {due:dddd d MMMM yyyy, HH:mm} UTC." : "We answer as soon as we can.";
        notifications.AddLetter(db, userId, ticketId, $"ack:{ticketId}", $"[{t.Key}] We have your request: {t.Title}",
            $"Hello,\n\n{t.Department} has your request {t.Key}: {t.Title}.\n{promise}\n\nAnswer this email to add to it; " +
            "your answer lands on the request.\n\nThe help desk", clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
    }

    private bool MayCreateAccount(Mailbox mailbox, string sender, IEnumerable<Mailbox> mailboxes)
    {
        if (mailbox.UnknownSenders == UnknownSenders.CreateForAnyone)
            return true;
        if (mailbox.UnknownSenders == UnknownSenders.Refuse)
            return false;
        var domain = sender[(sender.LastIndexOf('@') + 1)..];
        return OrganisationDomains(mailboxes).Contains(domain, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The configured domains and those of the desk's mailboxes.</summary>
    public IReadOnlyList<string> OrganisationDomains(IEnumerable<Mailbox> mailboxes) =>
        options.Value.OrganisationDomains.Select(d => d.Trim().TrimStart('@').ToLowerInvariant())
            .Concat(mailboxes.Select(m => m.Address[(m.Address.LastIndexOf('@') + 1)..])).Where(d => d.Length > 0).Distinct().ToList();

    /// <summary>An employee account for a sender of the organisation: no password (Entra ID, or a reset, later).</summary>
    private async Task<string> CreateRequesterAsync(string email, string? name, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DeskUser>>();
        if (await users.FindByEmailAsync(email) is { } existing)
            return existing.Id;
        var user = new DeskUser
        {
            UserName = email, Email = email, EmailConfirmed = false, Roles = DeskRole.Requester,
            DisplayName = string.IsNullOrWhiteSpace(name) ? email[..email.IndexOf('@')] : name.Trim(),
        };
        var made = await users.CreateAsync(user);
        if (!made.Succeeded)
            throw new MailUnreadableException($"could not make an account for {email}: {string.Join(" ", made.Errors.Select(e => e.Description))}");
        await audit.RecordAsync(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, ActorKind = AuditActorKind.System, Action = "user.created-by-mail", EntityType = "user",
            EntityId = user.Id, Source = "mail", After = email,
        }, ct);
        return user.Id;
    }

    private static async Task<int> DefaultCategoryAsync(DeskDbContext db, int departmentId, CancellationToken ct) =>
        await db.Categories.Where(c => c.DepartmentId == departmentId && c.IsActive && c.Purpose == CategoryPurpose.General)
            .OrderBy(c => c.Id).Select(c => c.Id).FirstOrDefaultAsync(ct);

    /// <summary>The files of a message (attachments and inline images), named safely; those the desk does not take are named in <paramref name="leftOut"/>.</summary>
    private static List<NewAttachment> Files(MimeMessage message, out List<string> leftOut)
    {
        var files = new List<NewAttachment>();
        var refused = new List<string>();
        leftOut = refused;
        var index = 0;
        foreach (var entity in message.BodyParts)
        {
            if (entity is MessagePart forwarded && (forwarded.IsAttachment || forwarded.ContentDisposition is null))
            {
                using var eml = new MemoryStream();
                forwarded.Message?.WriteTo(eml);
                var name = SafeText.FileName(forwarded.ContentDisposition?.FileName ?? (forwarded.Message?.Subject is { Length: > 0 } s ? s : "forwarded"));
                Take(new NewAttachment(name.EndsWith(".eml", StringComparison.OrdinalIgnoreCase) ? name : name + ".eml", "message/rfc822", eml.ToArray()));
                continue;
            }

            // Attachments and images (inline ones too); the text and HTML bodies are the message itself.
            if (entity is not MimePart part || (!part.IsAttachment && part.ContentType.MediaType != "image"))
                continue;
            index++;
            using var data = new MemoryStream();
            part.Content?.DecodeTo(data);
            var fileName = SafeText.FileName(part.FileName ?? $"image-{index}.{part.ContentType.MediaSubtype}");
            Take(new NewAttachment(fileName, part.ContentType.MimeType, data.ToArray()));
        }

        return files;

        void Take(NewAttachment file)
        {
            if (AttachmentRules.Precheck(file.FileName, file.Data.LongLength, alreadyPicked: 0) is { } why)
                refused.Add(why);
            else
                files.Add(file);
        }
    }

    private static bool Fits(NewAttachment file) => file.Data.LongLength is > 0 and <= TicketLimits.AttachmentMaxBytes;

    private static NewAttachment Original(byte[] raw) => new("original.eml", "message/rfc822", raw);

    /// <summary>The text within the field's limit, with what was not attached named below it.</summary>
    private static string Bounded(string text, IReadOnlyList<string> leftOut, bool withOriginal)
    {
        var notes = leftOut.Count == 0 ? "" : "\n\nNot attached: " + string.Join(" ", leftOut);
        var room = TicketLimits.TextMax - notes.Length - 80;
        if (text.Length > room)
            text = text[..room] + (withOriginal ? "\n\n[shortened; the whole message is attached as original.eml]" : "\n\n[shortened]");
        return text + notes;
    }

    private static IEnumerable<string> Recipients(MimeMessage message) =>
        message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).Select(m => m.Address)
            .Concat(new[] { "Delivered-To", "X-Original-To", "Envelope-To" }.SelectMany(h => message.Headers.Where(x => x.Field == h))
                .Select(h => h.Value.Trim().Trim('<', '>')))
            .Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Contains('@')).Distinct();

    /// <summary>The message's Message-Id, or a hash of its bytes when it has none.</summary>
    private static string Key(MimeMessage message, byte[] raw) =>
        !string.IsNullOrWhiteSpace(message.MessageId) && message.MessageId.Length < 390
            ? $"<{message.MessageId.Trim('<', '>')}>"
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(raw));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];

    private string? OurFrom()
    {
        var from = delivery.Value.Email.From;
        return string.IsNullOrWhiteSpace(from) ? null : MailboxAddress.TryParse(from, out var a) ? a.Address.ToLowerInvariant() : null;
    }

    private async Task RecordAdminAsync(Actor actor, string action, InboundMessage held, string what, CancellationToken ct) =>
        await audit.RecordAsync(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, ActorKind = AuditActorKind.User, ActorId = actor.UserId, Action = action, EntityType = "mail",
            EntityId = held.MessageKey, Source = actor.Source ?? "portal", After = what,
        }, ct);

    [GeneratedRegex(@"\b[A-Za-z][A-Za-z0-9]{1,9}-\d{1,9}\b")]
    private static partial Regex TicketNumber();

    /// <summary>The message's row: added to the change's own transaction, or saved alone for an outcome without a change.</summary>
    private sealed class Record(MailIntake intake, DeskDbContext db, InboundMessage? quarantined, string key, string from, string subject, int? mailboxId,
        DateTime now, byte[] raw)
    {
        public string Key => key;
        public DateTime Now => now;

        public void AddTo(DeskDbContext tx, MailOutcome outcome, string detail, int? ticketId, bool keepRaw = false)
        {
            InboundMessage row;
            if (quarantined is not null)
            {
                row = tx.InboundMessages.Attach(new InboundMessage { Id = quarantined.Id, MessageKey = quarantined.MessageKey }).Entity;
                row.MessageKey = quarantined.MessageKey;
            }
            else
            {
                row = new InboundMessage { MessageKey = key };
                tx.InboundMessages.Add(row);
            }

            row.MailboxId = mailboxId;
            row.From = from.Length > 254 ? from[..254] : from;
            row.Subject = subject.Length > 400 ? subject[..400] : subject;
            row.ReceivedAt = quarantined?.ReceivedAt ?? now;
            row.Outcome = outcome;
            row.Detail = detail.Length > 1000 ? detail[..1000] : detail;
            row.TicketId = ticketId;
            row.Raw = keepRaw ? raw : null;
            if (quarantined is not null)
                foreach (var p in new[] { nameof(row.MailboxId), nameof(row.From), nameof(row.Subject), nameof(row.Outcome), nameof(row.Detail), nameof(row.TicketId), nameof(row.Raw) })
                    tx.Entry(row).Property(p).IsModified = true;
        }

        public async Task<MailResult> SaveAsync(MailOutcome outcome, string detail, bool keepRaw = false, Action<DeskDbContext>? also = null,
            CancellationToken ct = default)
        {
            AddTo(db, outcome, detail, null, keepRaw);
            also?.Invoke(db);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException) when (quarantined is null)
            {
                if (await intake.SeenAsync(key, ct))
                    return new MailResult(MailOutcome.Duplicate, "duplicate: taken in before");
                throw;
            }

            return new MailResult(outcome, detail);
        }
    }
}

/// <summary>The bytes are not a mail message (or its sender cannot be read): <c>mail ingest</c> exits 1.</summary>
public sealed class MailUnreadableException(string message) : Exception(message);

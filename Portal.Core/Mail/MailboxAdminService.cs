using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Core.Mail;

public sealed record MailboxRow(int Id, string Address, int DepartmentId, string Department, MailboxKind Kind, bool IsActive, string? Category,
    UnknownSenders UnknownSenders, string? Host, DateTime? LastSuccessAt, string? LastError, DateTime? LastErrorAt, bool HasSecret)
{
    /// <summary>Reading it failed since it last worked.</summary>
    public bool Failing => LastErrorAt is { } failed && (LastSuccessAt is not { } ok || failed > ok);
}

public sealed record MailboxInput(int? Id, int DepartmentId, string Address, MailboxKind Kind, bool IsActive, int? CategoryId,
    UnknownSenders UnknownSenders, string? Host, int Port, string Security, string? UserName, string Folder, string? ProcessedFolder, int? TypeId = null);

public sealed record InboundRow(long Id, DateTime ReceivedAt, string From, string Subject, MailOutcome Outcome, string Detail, int? TicketId,
    string? TicketKey, string? Mailbox);

/// <summary>Admin → Email: the departments' mailboxes, what came in, and the quarantine.</summary>
public sealed class MailboxAdminService(IDbContextFactory<DeskDbContext> dbFactory, IOptions<MailOptions> options, MailIntake intake)
{
    public static readonly string[] SecurityChoices = ["SslOnConnect", "StartTls", "None"];

    public async Task<IReadOnlyList<MailboxRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var rows = await db.Mailboxes.AsNoTracking().OrderBy(m => m.Department!.Name).ThenBy(m => m.Address)
            .Select(m => new
            {
                m.Id, m.Address, m.DepartmentId, Department = m.Department!.Name, m.Kind, m.IsActive,
                Category = db.Categories.Where(c => c.Id == m.CategoryId).Select(c => c.Name).FirstOrDefault(),
                m.UnknownSenders, m.Host, m.LastSuccessAt, m.LastError, m.LastErrorAt,
            }).ToListAsync(ct);
        return rows.Select(m => new MailboxRow(m.Id, m.Address, m.DepartmentId, m.Department, m.Kind, m.IsActive, m.Category, m.UnknownSenders,
            m.Host, m.LastSuccessAt, m.LastError, m.LastErrorAt, HasSecret(m.Address))).ToList();
    }

    public async Task<MailboxInput> GetAsync(Actor actor, int id, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var m = await db.Mailboxes.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new DeskNotFoundException($"Mailbox {id} does not exist.");
        return new MailboxInput(m.Id, m.DepartmentId, m.Address, m.Kind, m.IsActive, m.CategoryId, m.UnknownSenders, m.Host, m.Port, m.Security,
            m.UserName, m.Folder, m.ProcessedFolder, m.TypeId);
    }

    /// <summary>Adds or changes a mailbox; every error names its field.</summary>
    public async Task<int> SaveAsync(Actor actor, MailboxInput input, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var errors = new ValidationErrors();
        var address = input.Address?.Trim().ToLowerInvariant() ?? "";
        if (!MailboxAddress.TryParse(address, out var parsed) || parsed.Address != address || !address.Contains('@') || address.Contains('+'))
            errors.Add(nameof(input.Address), "Address: enter the mailbox's address, e.g. it-help@example.org (without a +tag).");
        else if (await db.Mailboxes.AnyAsync(m => m.Address == address && m.Id != input.Id, ct))
            errors.Add(nameof(input.Address), $"Address: {address} is already a mailbox of the desk.");
        if (!await db.Departments.AnyAsync(d => d.Id == input.DepartmentId, ct))
            errors.Add(nameof(input.DepartmentId), "Department: choose the department whose requests this mailbox takes.");
        if (input.CategoryId is { } category && !await db.Categories.AnyAsync(c => c.Id == category && c.DepartmentId == input.DepartmentId, ct))
            errors.Add(nameof(input.CategoryId), "Category: choose one of the department's categories, or none for its first.");
        if (input.TypeId is { } type && !await db.TicketTypes.AnyAsync(t => t.Id == type && t.IsActive, ct))
            errors.Add(nameof(input.TypeId), "Type: choose one of the desk's ticket types, or none for Request.");
        if (!Enum.IsDefined(input.Kind))
            errors.Add(nameof(input.Kind), "Kind: choose how mail reaches the desk.");
        if (!Enum.IsDefined(input.UnknownSenders))
            errors.Add(nameof(input.UnknownSenders), "Unknown senders: choose what becomes of mail from an address without an account.");
        var host = input.Host?.Trim();
        var folder = string.IsNullOrWhiteSpace(input.Folder) ? "INBOX" : input.Folder.Trim();
        if (input.Kind == MailboxKind.Imap)
        {
            errors.Required(nameof(input.Host), host, "Server");
            errors.Required(nameof(input.UserName), input.UserName?.Trim(), "User name");
            if (input.Port is < 1 or > 65535)
                errors.Add(nameof(input.Port), "Port: a number from 1 to 65535 (993 for IMAP over TLS, 143 for STARTTLS).");
            if (!SecurityChoices.Contains(input.Security))
                errors.Add(nameof(input.Security), $"Security: one of {string.Join(", ", SecurityChoices)}.");
        }

        if (input.Kind == MailboxKind.Graph)
            errors.Required(nameof(input.UserName), input.UserName?.Trim(), "Mailbox user (its user principal name)");
        errors.MaxLength(nameof(input.Host), host, 255, "Server");
        errors.MaxLength(nameof(input.Folder), folder, 200, "Folder");
        errors.MaxLength(nameof(input.ProcessedFolder), input.ProcessedFolder?.Trim(), 200, "Processed folder");
        errors.ThrowIfAny();

        var mailbox = input.Id is { } id
            ? await db.Mailboxes.FirstOrDefaultAsync(m => m.Id == id, ct) ?? throw new DeskNotFoundException($"Mailbox {id} does not exist.")
            : db.Mailboxes.Add(new Mailbox()).Entity;
        mailbox.Address = address;
        mailbox.DepartmentId = input.DepartmentId;
        mailbox.Kind = input.Kind;
        mailbox.IsActive = input.IsActive;
        mailbox.CategoryId = input.CategoryId;
        mailbox.TypeId = input.TypeId;
        mailbox.UnknownSenders = input.UnknownSenders;
        mailbox.Host = string.IsNullOrEmpty(host) ? null : host;
        mailbox.Port = input.Port;
        mailbox.Security = input.Security;
        mailbox.UserName = string.IsNullOrWhiteSpace(input.UserName) ? null : input.UserName.Trim();
        mailbox.Folder = folder;
        mailbox.ProcessedFolder = string.IsNullOrWhiteSpace(input.ProcessedFolder) ? null : input.ProcessedFolder.Trim();
        await db.SaveChangesAsync(ct);
        return mailbox.Id;
    }

    /// <summary>What came in lately, newest first; only the quarantine when <paramref name="quarantined"/>.</summary>
    public async Task<IReadOnlyList<InboundRow>> MessagesAsync(Actor actor, bool quarantined, int take = 100, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        var query = db.InboundMessages.AsNoTracking();
        if (quarantined)
            query = query.Where(m => m.Outcome == MailOutcome.Quarantined);
        return await query.OrderByDescending(m => m.Id).Take(Math.Clamp(take, 1, 500))
            .Select(m => new InboundRow(m.Id, m.ReceivedAt, m.From, m.Subject, m.Outcome, m.Detail, m.TicketId,
                db.Tickets.Where(t => t.Id == m.TicketId).Select(t => t.Key).FirstOrDefault(),
                db.Mailboxes.Where(x => x.Id == m.MailboxId).Select(x => x.Address).FirstOrDefault()))
            .ToListAsync(ct);
    }

    /// <summary>The domains whose people may get an account by writing in.</summary>
    public async Task<IReadOnlyList<string>> OrganisationDomainsAsync(Actor actor, CancellationToken ct = default)
    {
        Access.RequireAdmin(actor);
        await using var db = await dbFactory.CreateForAsync(actor, ct);
        return intake.OrganisationDomains(await db.Mailboxes.AsNoTracking().ToListAsync(ct));
    }

    private bool HasSecret(string address) =>
        options.Value.Inbound.TryGetValue(address, out var secret) && (!string.IsNullOrEmpty(secret.Password) || !string.IsNullOrEmpty(secret.AccessToken));
}

using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Common;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Core.Approvals;

/// <summary>Settings under <c>Approvals</c>.</summary>
public sealed class ApprovalOptions
{
    public const string Section = "Approvals";

    /// <summary>How long the Approve and Reject links of an approval email work.</summary>
    public int LinkValidDays { get; set; } = 7;
}

/// <summary>What a link of an approval email is good for now.</summary>
public enum LinkState
{
    /// <summary>The approver may decide with it.</summary>
    Ready,

    /// <summary>Not a link the desk made, or cut short by a mail app.</summary>
    Invalid,
    Expired,

    /// <summary>The approver decided already (with this link, the other one, or on My approvals): a link works once.</summary>
    Used,

    /// <summary>The step was decided by others, or the request moved on.</summary>
    Closed,

    /// <summary>Someone other than the approver is signed in.</summary>
    OtherPerson,

    /// <summary>The step asks its approvers to sign in before deciding.</summary>
    SignInNeeded,
}

/// <summary>What the page behind an approval link shows: the request to decide on, or why the link no longer works.</summary>
public sealed record ApprovalLinkView(LinkState State, string Message, bool Approve, PendingApproval? Request = null, string? Approver = null,
    DateTime? ExpiresAt = null);

/// <summary>
/// The Approve and Reject links of approval emails: signed and encrypted with the desk's data protection keys (the key
/// ring every node shares), bound to one approver of one step, expiring after <see cref="ApprovalOptions.LinkValidDays"/>,
/// and working once (the approver's decision, however made, ends them). The link opens a confirmation page, where a reason
/// can be given; deciding goes through <see cref="ApprovalService.DecideAsync"/> like every other decision.
/// </summary>
public sealed class ApprovalLinks(IDataProtectionProvider protection, TimeProvider clock, IDbContextFactory<DeskDbContext> dbFactory,
    ApprovalService approvals, ActorService actors, IOptions<DeliveryOptions> delivery, IOptions<ApprovalOptions> options) : IEmailAddition
{
    public const string Path = "/approvals/link";
    private readonly IDataProtector _protector = protection.CreateProtector("InternalDesk.ApprovalLinks.v1");

    /// <summary>A link's token for one approver's row of a step, working until <paramref name="expires"/>.</summary>
    public string Token(int approverRowId, string userId, DateTime expires) =>
        Base64Url(_protector.Protect(System.Text.Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{approverRowId}|{userId}|{expires.Ticks}"))));

    public string Url(string token, bool approve) =>
        $"{delivery.Value.BaseUrl.TrimEnd('/')}{Path}?t={token}&choice={(approve ? "approve" : "reject")}";

    /// <summary>
    /// The lines an approval email adds for its recipient: the Approve and Reject links, how long they work, and that
    /// replies are not read. Null when the message is not (or no longer) an approver's.
    /// </summary>
    public async Task<string?> LinesAsync(DeskDbContext db, OutboxMessage message, CancellationToken ct)
    {
        if (ApprovalEvents.Step(message.EventKey) is not { } step)
            return null;
        var row = await db.TicketApprovers.AsNoTracking()
            .Where(p => p.UserId == message.Target && db.TicketApprovals.Any(a => a.Id == p.ApprovalId && a.TicketId == step.TicketId && a.Order == step.Order))
            .Select(p => new { p.Id, p.UserId }).FirstOrDefaultAsync(ct);
        if (row is null)
            return null;
        var expires = clock.GetUtcNow().UtcDateTime.AddDays(Math.Max(1, options.Value.LinkValidDays));
        var token = Token(row.Id, row.UserId, expires);
        // What the approver decides on, so the email alone is enough for a yes or no.
        var request = await db.Tickets.AsNoTracking().Where(t => t.Id == step.TicketId)
            .Select(t => new
            {
                Requester = t.Requester!.DisplayName,
                Fields = t.FieldValues.OrderBy(v => v.Field!.SortOrder).Select(v => new { v.Field!.Label, v.Value }).ToList(),
            }).FirstAsync(ct);
        var facts = string.Concat(request.Fields.Where(f => f.Value.Length > 0).Select(f => $"\n{f.Label}: {f.Value}"));
        return $"Requested by {request.Requester}{facts}\n\n"
            + $"Approve: {Url(token, approve: true)}\nReject:  {Url(token, approve: false)}\n\n"
            + $"Each link opens a page to confirm (and give a reason); they work once, for you only, until {expires:yyyy-MM-dd HH:mm} UTC. "
            + $"You can also decide on My approvals: {delivery.Value.BaseUrl.TrimEnd('/')}/approvals\n"
            + "Replies to this email are not read.";
    }

    /// <summary>What the link is good for, for the person signed in (or nobody).</summary>
    public async Task<ApprovalLinkView> ReadAsync(string? token, bool approve, Actor? signedIn, CancellationToken ct = default)
    {
        var (view, _) = await CheckAsync(token, approve, signedIn, ct);
        return view;
    }

    /// <summary>Decides with the link: the approver's decision through <see cref="ApprovalService.DecideAsync"/>, marked as made by link.</summary>
    public async Task<ApprovalDecision> DecideAsync(string? token, bool approve, string? reason, Actor? signedIn, CancellationToken ct = default)
    {
        var (view, approverId) = await CheckAsync(token, approve, signedIn, ct);
        if (view.State != LinkState.Ready)
            throw view.State is LinkState.OtherPerson or LinkState.SignInNeeded
                ? new DeskForbiddenException(view.Message)
                : new DeskConflictException(view.Message);
        var actor = signedIn ?? await actors.LoadAsync(approverId!, ct) ?? throw new DeskForbiddenException("Your account is deactivated.");
        return await approvals.DecideAsync(actor, view.Request!.ApprovalId, approve, reason, ct, byLink: true);
    }

    private async Task<(ApprovalLinkView View, string? ApproverId)> CheckAsync(string? token, bool approve, Actor? signedIn, CancellationToken ct)
    {
        var myApprovals = "Open My approvals to see what waits for you.";
        if (Read(token) is not { } link)
            return (new ApprovalLinkView(LinkState.Invalid, $"This link is not one the desk made, or it was cut short. {myApprovals}", approve), null);
        var now = clock.GetUtcNow().UtcDateTime;
        if (link.Expires <= now)
            return (new ApprovalLinkView(LinkState.Expired, $"This link expired on {link.Expires:yyyy-MM-dd HH:mm} UTC. {myApprovals}", approve), null);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.TicketApprovers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == link.RowId && p.UserId == link.UserId, ct);
        if (row is null)
            return (new ApprovalLinkView(LinkState.Invalid, $"This link is not one the desk made, or it was cut short. {myApprovals}", approve), null);
        var step = await db.TicketApprovals.AsNoTracking().Include(a => a.Approvers).FirstAsync(a => a.Id == row.ApprovalId, ct);
        var approver = await db.Users.Where(u => u.Id == row.UserId).Select(u => u.DisplayName).FirstAsync(ct);
        if (signedIn is not null && signedIn.UserId != row.UserId)
            return (new ApprovalLinkView(LinkState.OtherPerson,
                $"This link was sent to {approver}, and you are signed in as {signedIn.DisplayName}. Only {approver} can decide with it.", approve,
                Approver: approver), null);
        if (row.Approved is { } decided)
            return (new ApprovalLinkView(LinkState.Used,
                $"You already decided this: {(decided ? "approved" : "rejected")} on {row.DecidedAt:yyyy-MM-dd HH:mm} UTC. A link works once.", approve,
                Approver: approver), null);
        if (step.State != ApprovalState.Pending)
            return (new ApprovalLinkView(LinkState.Closed, $"This step was already decided: {ApprovalService.Display(step.State)}. Nothing waits for you here.",
                approve, Approver: approver), null);
        if (step.Approvers.Any(p => p.Place == row.Place && p.Id != row.Id && p.Approved is not null))
            return (new ApprovalLinkView(LinkState.Closed, "Someone asked in your place decided this already. Nothing waits for you here.", approve,
                Approver: approver), null);
        if (signedIn is null && !step.LinkWithoutSignIn)
            return (new ApprovalLinkView(LinkState.SignInNeeded, "This approval asks you to sign in before you decide.", approve, Approver: approver), null);

        var request = await ApprovalService.PendingAsync(db, step.Id, ct);
        return (new ApprovalLinkView(LinkState.Ready, approve ? "Approve this request?" : "Reject this request?", approve, request, approver, link.Expires),
            row.UserId);
    }

    private sealed record Link(int RowId, string UserId, DateTime Expires);

    private Link? Read(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2000)
            return null;
        try
        {
            var text = System.Text.Encoding.UTF8.GetString(_protector.Unprotect(FromBase64Url(token.Trim())));
            var parts = text.Split('|');
            return parts.Length == 3 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var row)
                && long.TryParse(parts[2], CultureInfo.InvariantCulture, out var ticks)
                ? new Link(row, parts[1], new DateTime(ticks, DateTimeKind.Utc))
                : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}

/// <summary>The event keys of the emails that ask for an approval (the first request, a reminder, an approver's manager asked).</summary>
public static class ApprovalEvents
{
    public const string Prefix = "approval:";

    public static string Asked(int ticketId, int order) => $"{Prefix}{ticketId}:{order}";

    public static string Reminder(int ticketId, int order) => $"{Prefix}{ticketId}:{order}:reminder";

    public static string StandIn(int ticketId, int order) => $"{Prefix}{ticketId}:{order}:stand-in";

    /// <summary>The request and step an approval email is about, or null for any other message.</summary>
    public static (int TicketId, int Order)? Step(string eventKey)
    {
        if (!eventKey.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var parts = eventKey[Prefix.Length..].Split(':');
        return parts.Length >= 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticket)
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var order)
            ? (ticket, order)
            : null;
    }
}

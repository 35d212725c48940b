namespace Portal.Core.Mail;

/// <summary>Settings of the email channel (<c>Mail</c>); the mailboxes themselves are kept in Admin → Email.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>The organisation's own mail domains (acme.example): senders from them may get an account; the mailboxes' domains count too.</summary>
    public List<string> OrganisationDomains { get; set; } = [];

    /// <summary>More messages than this from one sender within <see cref="FloodWindowMinutes"/> are held in the quarantine.</summary>
    public int FloodLimit { get; set; } = 20;

    public int FloodWindowMinutes { get; set; } = 10;

    /// <summary>Whether this node reads the IMAP mailboxes (with the other background work); false leaves mail to the pipe or another node.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>How often a mailbox without IDLE (or after a dropped connection) is read.</summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>Secrets per mailbox address: <c>Mail:Inbound:it@acme.example:Password</c> (or <c>AccessToken</c> for OAuth2).</summary>
    public Dictionary<string, MailboxSecret> Inbound { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class MailboxSecret
{
    public string? Password { get; set; }
    public string? AccessToken { get; set; }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Core.Departments;

/// <summary>How mail reaches a mailbox's desk.</summary>
public enum MailboxKind
{
    /// <summary>The local mail server hands each message to <c>mail ingest</c> (Postfix pipe, procmail).</summary>
    Pipe,

    /// <summary>The desk reads the mailbox over IMAP (IDLE where the server offers it).</summary>
    Imap,

    /// <summary>A Microsoft 365 mailbox read through Microsoft Graph with the app's Entra ID registration.</summary>
    Graph,
}

/// <summary>What becomes of mail from an address that has no account.</summary>
public enum UnknownSenders
{
    /// <summary>A polite reply says the desk takes requests from its people only; no ticket.</summary>
    Refuse,

    /// <summary>From one of the organisation's domains: an account is made (no password; Entra ID or a reset later). Others are refused.</summary>
    CreateForOrganisation,

    /// <summary>Anyone: an account is made for any sender (a desk that serves outsiders too).</summary>
    CreateForAnyone,
}

/// <summary>
/// A department's shared address (it-help@...): mail to it becomes that department's requests and replies. Secrets
/// (an IMAP password or an OAuth2 token) are not stored here but in configuration, <c>Mail:Inbound:{Address}</c>.
/// </summary>
public class Mailbox
{
    public int Id { get; set; }
    public int DepartmentId { get; set; }
    public Department? Department { get; set; }

    /// <summary>The address people write to, lower case.</summary>
    public string Address { get; set; } = "";
    public MailboxKind Kind { get; set; }
    public bool IsActive { get; set; } = true;

    /// <summary>Where new requests land; the department's first general category when not set.</summary>
    public int? CategoryId { get; set; }

    /// <summary>The type of new requests; the built-in Request type when not set.</summary>
    public int? TypeId { get; set; }
    public UnknownSenders UnknownSenders { get; set; } = UnknownSenders.CreateForOrganisation;

    /// <summary>IMAP: host, port, "SslOnConnect" or "StartTls", the account, the folder read and the folder processed mail goes to (none: flagged instead).</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 993;
    public string Security { get; set; } = "SslOnConnect";
    public string? UserName { get; set; }
    public string Folder { get; set; } = "INBOX";
    public string? ProcessedFolder { get; set; } = "InternalDesk";

    /// <summary>UTC; the last time the mailbox was read without an error, and the last error with its time.</summary>
    public DateTime? LastSuccessAt { get; set; }
    public string? LastError { get; set; }
    public DateTime? LastErrorAt { get; set; }
}

internal sealed class MailboxConfiguration : IEntityTypeConfiguration<Mailbox>
{
    public void Configure(EntityTypeBuilder<Mailbox> b)
    {
        b.Property(m => m.Address).HasMaxLength(254);
        b.HasIndex(m => m.Address).IsUnique();
        b.Property(m => m.Kind).HasConversion<string>().HasMaxLength(10);
        b.Property(m => m.UnknownSenders).HasConversion<string>().HasMaxLength(30);
        b.Property(m => m.Host).HasMaxLength(255);
        b.Property(m => m.Security).HasMaxLength(20);
        b.Property(m => m.UserName).HasMaxLength(254);
        b.Property(m => m.Folder).HasMaxLength(200);
        b.Property(m => m.ProcessedFolder).HasMaxLength(200);
        b.Property(m => m.LastError).HasMaxLength(2000);
        b.HasOne(m => m.Department).WithMany().HasForeignKey(m => m.DepartmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Category>().WithMany().HasForeignKey(m => m.CategoryId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<TicketType>().WithMany().HasForeignKey(m => m.TypeId).OnDelete(DeleteBehavior.SetNull);
    }
}

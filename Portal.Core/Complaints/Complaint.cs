namespace Portal.Core.Complaints;

public enum ComplaintChannel
{
    Email,
    Phone,
    InPerson,
    Letter,
    Portal,
    SocialMedia,
    Other,
}

/// <summary>What the complaint is about.</summary>
public enum ComplaintSubject
{
    Service,
    Person,
    Product,
}

public enum ComplaintSeverity
{
    Low,
    Medium,
    High,
    Critical,
}

public enum ComplaintOutcome
{
    Upheld,
    PartlyUpheld,
    NotUpheld,
}

/// <summary>
/// The complaint part of a ticket of the Complaint type (one to one, keyed by the ticket): who complained, how, about
/// what, and – before the ticket may be resolved or closed – the root cause, the outcome, the redress and the lessons.
/// </summary>
public class Complaint
{
    public int TicketId { get; set; }
    public Tickets.Ticket Ticket { get; set; } = null!;

    /// <summary>The person who complained, as they gave their name (may be someone without an account).</summary>
    public string Complainant { get; set; } = "";
    public string? ComplainantContact { get; set; }
    public ComplaintChannel Channel { get; set; }
    public ComplaintSubject About { get; set; }

    /// <summary>Which service, person or product.</summary>
    public string AboutDetail { get; set; } = "";
    public ComplaintSeverity Severity { get; set; }

    /// <summary>Must be reported to a regulator.</summary>
    public bool Regulatory { get; set; }

    /// <summary>When the complaint was received (UTC); may be before it was entered.</summary>
    public DateTime ReceivedAt { get; set; }

    public string? RootCause { get; set; }
    public ComplaintOutcome? Outcome { get; set; }
    public string? Redress { get; set; }
    public string? LessonsLearned { get; set; }

    public int Version { get; set; }
}

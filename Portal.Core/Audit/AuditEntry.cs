namespace Portal.Core.Audit;

/// <summary>Who acted: a person, or the desk itself on someone's behalf.</summary>
public enum AuditActorKind
{
    User,
    Rule,
    Sweep,
    Job,
    Api,
    System,
}

/// <summary>
/// One audit entry: appended in the same transaction as the change it records, never changed (database triggers
/// refuse UPDATE and DELETE), chained to the one before it by <see cref="PrevHash"/>.
/// </summary>
public class AuditEntry
{
    /// <summary>The sequence number: 1, 2, 3 ... without gaps, so a removed entry shows.</summary>
    public long Id { get; set; }

    /// <summary>UTC.</summary>
    public DateTime At { get; set; }
    public AuditActorKind ActorKind { get; set; }

    /// <summary>The person (user id), the rule or job's name, or null for the desk itself.</summary>
    public string? ActorId { get; set; }

    /// <summary>What happened, e.g. "ticket.created", "ticket.field", "signin.failed".</summary>
    public string Action { get; set; } = "";

    /// <summary>What it happened to: "ticket", "asset", "user", "sla-policy" ... and its id.</summary>
    public string EntityType { get; set; } = "";
    public string EntityId { get; set; } = "";
    public int? TicketId { get; set; }

    /// <summary>Values before and after, as people read them (JSON objects), or null.</summary>
    public string? Before { get; set; }
    public string? After { get; set; }

    /// <summary>Where from: an IP address, "cli", "scheduler".</summary>
    public string? Source { get; set; }

    /// <summary>Hex SHA-256 of the entry before (64 zeros for the first).</summary>
    public string PrevHash { get; set; } = "";

    /// <summary>Hex SHA-256 over this entry's canonical content, which includes <see cref="PrevHash"/>.</summary>
    public string Hash { get; set; } = "";
}

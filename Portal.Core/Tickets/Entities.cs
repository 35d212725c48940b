using Portal.Core.Departments;
using Portal.Core.Users;

namespace Portal.Core.Tickets;

public enum TicketStatus
{
    New,
    Open,
    InProgress,
    PendingRequester,
    OnHold,
    Resolved,
    Closed,

    /// <summary>A task of a larger request waiting for another task to be done; every SLA clock is paused meanwhile.</summary>
    Waiting,

    /// <summary>A request waiting for its approval (Approvals) before any department moves; every SLA clock is paused meanwhile.</summary>
    AwaitingApproval,
}

public enum TicketPriority
{
    Low,
    Normal,
    High,
    Critical,
}

public class Ticket
{
    public int Id { get; set; }
    public int DepartmentId { get; set; }
    public Department? Department { get; set; }
    public int Number { get; set; }

    /// <summary>The readable number, e.g. IT-1042.</summary>
    public string Key { get; set; } = "";
    public string Title { get; set; } = "";
    public string Description { get; set; } = "";
    public int CategoryId { get; set; }
    public Category? Category { get; set; }
    public int TypeId { get; set; }
    public TicketType? Type { get; set; }
    public TicketPriority Priority { get; set; } = TicketPriority.Normal;
    public TicketStatus Status { get; set; } = TicketStatus.New;
    public string RequesterId { get; set; } = "";
    public DeskUser? Requester { get; set; }
    public string? AssigneeId { get; set; }
    public DeskUser? Assignee { get; set; }
    public int? TeamId { get; set; }
    public Team? Team { get; set; }

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC; the last change of any kind.</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency token, bumped by every change.</summary>
    public int Version { get; set; }

    /// <summary>For a task of a larger request (a service catalog item): the request it is part of.</summary>
    public int? ParentId { get; set; }

    /// <summary>For a task: the task that must be done before this one starts (it waits meanwhile).</summary>
    public int? WaitsForId { get; set; }

    /// <summary>
    /// The ticket's reply key, put in the Reply-To (it+k7f3q2xa@...) and Message-Id of its emails, so an answer from any
    /// mail app finds its ticket. Random, unique; none on tickets from before email.
    /// </summary>
    public string? MailKey { get; set; }

    /// <summary>For a request made from the service catalog: the item it was made from.</summary>
    public int? CatalogItemId { get; set; }

    /// <summary>The SLA policy (and its version) the ticket was last matched with.</summary>
    public int? SlaPolicyId { get; set; }
    public int SlaPolicyVersion { get; set; }

    /// <summary>UTC; the next instant at which its SLA changes by itself (a warning or a breach). Indexed for the sweep.</summary>
    public DateTime? SlaNextChangeAt { get; set; }

    /// <summary>UTC; the earliest due instant of its running targets, for sorting by what is due next.</summary>
    public DateTime? SlaDueAt { get; set; }

    /// <summary>The highest escalation level that has fired (0: none), shown on queues and boards.</summary>
    public int EscalationLevel { get; set; }

    /// <summary>UTC; when the next escalation level becomes due. Indexed: the sweep reads the tickets past it.</summary>
    public DateTime? NextEscalationAt { get; set; }

    public List<TicketFieldValue> FieldValues { get; set; } = [];
    public List<TicketWatcher> Watchers { get; set; } = [];
    public List<TicketTag> Tags { get; set; } = [];
    public List<TicketEvent> Events { get; set; } = [];
    public List<Attachment> Attachments { get; set; } = [];

    public bool IsResolvedOrClosed => Status is TicketStatus.Resolved or TicketStatus.Closed;
}

public class TicketFieldValue
{
    public int TicketId { get; set; }
    public int FieldId { get; set; }
    public CustomField? Field { get; set; }
    public string Value { get; set; } = "";
}

public class TicketWatcher
{
    public int TicketId { get; set; }
    public string UserId { get; set; } = "";
    public DeskUser? User { get; set; }
}

/// <summary>A free word on a ticket ("vpn", "hardware-refresh"), lower case; for filters, views and macros.</summary>
public class TicketTag
{
    public int TicketId { get; set; }
    public string Tag { get; set; } = "";
}

public enum TicketEventKind
{
    Created,
    Reply,
    InternalNote,
    StatusChanged,
    PriorityChanged,
    AssigneeChanged,
    TeamChanged,
    CategoryChanged,
    TypeChanged,
    FieldChanged,
    WatcherAdded,
    WatcherRemoved,
    Reopened,
    Escalated,
    RuleApplied,
    AssetLinked,
    AssetUnlinked,
    LinkAdded,
    LinkRemoved,
    Merged,

    /// <summary>An approval step started: who was asked (Subject the step, NewValue the names).</summary>
    ApprovalRequested,

    /// <summary>An approver decided (Subject the step, NewValue Approved or Rejected, Body the reason).</summary>
    ApprovalDecided,

    /// <summary>A step's approvers who had not decided were reminded (Subject the step, NewValue the names).</summary>
    ApprovalReminded,

    /// <summary>Tags were added or removed (OldValue and NewValue the tags before and after, comma-separated).</summary>
    TagsChanged,
}

/// <summary>One entry of a ticket's history. Appended, never changed.</summary>
public class TicketEvent
{
    public long Id { get; set; }
    public int TicketId { get; set; }
    public DateTime At { get; set; }
    public string? ActorId { get; set; }
    public DeskUser? Actor { get; set; }
    public TicketEventKind Kind { get; set; }

    /// <summary>Seen by the requester: public replies and the changes a requester may know of.</summary>
    public bool IsPublic { get; set; }

    /// <summary>Reply or note text.</summary>
    public string? Body { get; set; }

    /// <summary>What changed (field label for field changes), with old and new values as shown to people.</summary>
    public string? Subject { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }

    /// <summary>Whether the author was staff acting as staff (an agent's reply) or the requester.</summary>
    public bool ByAgent { get; set; }

    /// <summary>
    /// The typed values of a status change (or reopening) and of a priority change. The SLA and the reporting facts read
    /// these; <see cref="OldValue"/> and <see cref="NewValue"/> are the same values worded for people.
    /// </summary>
    public TicketStatus? OldStatus { get; set; }
    public TicketStatus? NewStatus { get; set; }
    public TicketPriority? OldPriority { get; set; }
    public TicketPriority? NewPriority { get; set; }

    /// <summary>A status change from <paramref name="from"/> to <paramref name="to"/> (a reopening when it leaves Resolved or Closed).</summary>
    public static TicketEvent StatusChange(int ticketId, DateTime at, TicketStatus from, TicketStatus to, string? actorId = null,
        bool byAgent = false, string? note = null) => new()
    {
        TicketId = ticketId, At = at, ActorId = actorId, ByAgent = byAgent, IsPublic = true, Body = note,
        Kind = from is TicketStatus.Resolved or TicketStatus.Closed && to is not (TicketStatus.Resolved or TicketStatus.Closed)
            ? TicketEventKind.Reopened
            : TicketEventKind.StatusChanged,
        Subject = "Status", OldValue = Display.Status(from), NewValue = Display.Status(to), OldStatus = from, NewStatus = to,
    };

    public static TicketEvent PriorityChange(int ticketId, DateTime at, TicketPriority from, TicketPriority to, string? actorId = null,
        bool byAgent = false, string? note = null) => new()
    {
        TicketId = ticketId, At = at, ActorId = actorId, ByAgent = byAgent, IsPublic = true, Body = note, Kind = TicketEventKind.PriorityChanged,
        Subject = "Priority", OldValue = from.ToString(), NewValue = to.ToString(), OldPriority = from, NewPriority = to,
    };
}

public class Attachment
{
    public int Id { get; set; }
    public int TicketId { get; set; }
    public long? EventId { get; set; }
    public string FileName { get; set; } = "";
    public string ContentType { get; set; } = "";
    public long Size { get; set; }
    public DateTime UploadedAt { get; set; }
    public string UploadedById { get; set; } = "";

    /// <summary>Whether the requester may see it (files on internal notes are agent-only).</summary>
    public bool IsPublic { get; set; } = true;
    public AttachmentContent? Content { get; set; }
}

/// <summary>The bytes live in their own table so that lists of attachments never load them.</summary>
public class AttachmentContent
{
    public int AttachmentId { get; set; }
    public byte[] Data { get; set; } = [];
}

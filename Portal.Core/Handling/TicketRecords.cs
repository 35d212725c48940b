using Portal.Core.Tickets;
using Portal.Core.Departments;
using Portal.Core.Common;

namespace Portal.Core.Handling;

public sealed record TicketSummary(
    int Id,
    string Key,
    string Title,
    int DepartmentId,
    string DepartmentName,
    string CategoryName,
    TicketPriority Priority,
    TicketStatus Status,
    string RequesterName,
    string? AssigneeId,
    string? AssigneeName,
    string? TeamName,
    DateTime CreatedAt,
    DateTime UpdatedAt)
{
    /// <summary>The ticket's SLA targets as last computed.</summary>
    public IReadOnlyList<Sla.SlaTargetView> Sla { get; init; } = [];

    /// <summary>The highest escalation level that has fired (0: none).</summary>
    public int EscalationLevel { get; init; }

    /// <summary>The version shown: a change made from this row is refused if the ticket changed since.</summary>
    public int Version { get; init; }
}

/// <summary>A ticket picked in a queue, at the version the agent saw.</summary>
public sealed record PickedTicket(int Id, int Version);

/// <summary>What a change to several picked tickets did to one of them: applied, or refused and why (nothing of it applied).</summary>
public sealed record PickedOutcome(int TicketId, string Key, bool Applied, string? Refused);

public sealed record FieldValueView(int FieldId, string Label, FieldKind Kind, bool Required, bool VisibleToRequester,
    IReadOnlyList<string> Options, string? Value);

public sealed record TicketEventView(long Id, DateTime At, string ActorName, TicketEventKind Kind, bool IsPublic,
    bool ByAgent, string? Body, string? Subject, string? OldValue, string? NewValue,
    IReadOnlyList<AttachmentView> Attachments);

public sealed record AttachmentView(int Id, string FileName, long Size, bool IsPublic, DateTime UploadedAt);

/// <summary>
/// A ticket as one actor may see it: for a requester (or a watcher who is not staff of the department)
/// internal notes, internal attachments and agent-only fields are left out.
/// </summary>
public sealed record TicketDetails(
    int Id,
    string Key,
    string Title,
    string Description,
    int DepartmentId,
    string DepartmentName,
    int CategoryId,
    string CategoryName,
    int TypeId,
    string TypeName,
    TicketPriority Priority,
    TicketStatus Status,
    PersonRef Requester,
    bool RequesterIsVip,
    PersonRef? Assignee,
    int? TeamId,
    string? TeamName,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    int Version,
    bool StaffView,
    IReadOnlyList<FieldValueView> Fields,
    IReadOnlyList<PersonRef> Watchers,
    IReadOnlyList<TicketEventView> Events,
    IReadOnlyList<AttachmentView> Attachments)
{
    /// <summary>The built-in kind of its type (complaint, maintenance, ...), which behaviour keys on; the name is for display.</summary>
    public Departments.TicketKind TypeKind { get; init; }

    /// <summary>The ticket's SLA targets as last computed, and the policy they come from.</summary>
    public IReadOnlyList<Sla.SlaTargetView> Sla { get; init; } = [];
    public string? SlaPolicyName { get; init; }
    public int EscalationLevel { get; init; }

    /// <summary>A request made from the service catalog: it has tasks to show.</summary>
    public bool HasTasks { get; init; }

    /// <summary>For a task of a catalog request: the request.</summary>
    public TicketRef? Parent { get; init; }

    /// <summary>For a waiting task: the task it waits for.</summary>
    public TicketRef? WaitsFor { get; init; }

    /// <summary>Its tags (staff only: tags are the desk's own words), sorted.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}

public sealed record NewTicketInput(
    int DepartmentId,
    int CategoryId,
    string Title,
    string Description,
    IReadOnlyDictionary<int, string?> Fields,
    IReadOnlyList<NewAttachment> Attachments,
    int? TypeId = null,
    TicketPriority Priority = TicketPriority.Normal,
    IReadOnlyList<string>? AssetTags = null)
{
    /// <summary>Filed without the form (from an email): required fields are left for the department to fill in.</summary>
    public bool FieldsLater { get; init; }

    /// <summary>Filed by staff of the department for someone else: the requester's email (an active account).</summary>
    public string? RequesterEmail { get; init; }
}

public sealed record CreatedTicket(int Id, string Key, string DepartmentName);

/// <summary>The editable state of a ticket as an agent saves it; only what differs is changed.</summary>
public sealed record TicketEdit(
    TicketStatus Status,
    TicketPriority Priority,
    int CategoryId,
    int TypeId,
    string? AssigneeId,
    int? TeamId,
    IReadOnlyDictionary<int, string?> Fields,
    IReadOnlyList<string>? Tags = null);

/// <summary>What a macro changes besides its text: each left null (or false, or empty) stays as it is; tags are added.</summary>
public sealed record MacroChanges(TicketStatus? Status = null, TicketPriority? Priority = null, bool AssignToMe = false, int? TeamId = null,
    IReadOnlyList<string>? AddTags = null)
{
    public bool Any => Status is not null || Priority is not null || AssignToMe || TeamId is not null || AddTags is { Count: > 0 };
}

public enum QueueSort
{
    Updated,
    Created,
    Number,
    Priority,
    Status,
    Title,
    Due,
}

public sealed record QueueQuery(
    int DepartmentId,
    IReadOnlyCollection<TicketStatus>? Statuses = null,
    TicketPriority? Priority = null,
    int? CategoryId = null,
    string? AssigneeId = null,
    bool UnassignedOnly = false,
    int? TeamId = null,
    string? Text = null,
    QueueSort Sort = QueueSort.Updated,
    bool Descending = true,
    int Page = 1,
    int PageSize = 25,
    string? Tag = null)
{
    public static readonly IReadOnlyCollection<TicketStatus> OpenStatuses =
        [TicketStatus.New, TicketStatus.Open, TicketStatus.InProgress, TicketStatus.PendingRequester, TicketStatus.OnHold];
}

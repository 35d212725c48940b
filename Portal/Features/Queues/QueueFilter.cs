using Portal.Core.Tickets;
using Portal.Core.Handling;

namespace Portal.Features.Queues;

/// <summary>What the filter bar holds; turned into a Core query for each load.</summary>
public sealed record QueueFilter
{
    public const string Me = "me";
    public const string Unassigned = "none";

    /// <summary>Null means every open status; an empty set means all statuses.</summary>
    public IReadOnlyCollection<TicketStatus>? Statuses { get; init; }
    public bool IncludeClosed { get; init; }
    public TicketPriority? Priority { get; init; }
    public int? CategoryId { get; init; }

    /// <summary>A user id, <see cref="Me"/>, <see cref="Unassigned"/> or null for anyone.</summary>
    public string? Assignee { get; init; }
    public int? TeamId { get; init; }
    public string? Text { get; init; }
    public string? Tag { get; init; }

    public QueueQuery ToQuery(int departmentId, string myUserId) => new(
        departmentId,
        Statuses: Statuses is { Count: > 0 } ? Statuses : IncludeClosed ? null : QueueQuery.OpenStatuses,
        Priority: Priority,
        CategoryId: CategoryId,
        AssigneeId: Assignee == Me ? myUserId : Assignee is Unassigned ? null : Assignee,
        UnassignedOnly: Assignee == Unassigned,
        TeamId: TeamId,
        Text: Text,
        Tag: Tag);
}

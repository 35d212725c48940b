using Portal.Core.Tickets;

namespace Portal.Core.Sla;

public enum SlaEventKind : byte
{
    Created,
    Status,
    Priority,
    Reply,
}

public enum ReplyAuthor : byte
{
    Agent,
    Requester,
    System,
}

/// <summary>One entry of a ticket's timeline as the engine reads it; <see cref="At"/> is in Unix ticks (UTC).</summary>
public readonly record struct SlaEvent(long At, SlaEventKind Kind, int Priority = 0, TicketStatus Status = TicketStatus.New,
    ReplyAuthor By = ReplyAuthor.System, bool Public = false)
{
    public static SlaEvent Created(long at, int priority, TicketStatus status = TicketStatus.New) => new(at, SlaEventKind.Created, priority, status);
    public static SlaEvent StatusTo(long at, TicketStatus status) => new(at, SlaEventKind.Status, Status: status);
    public static SlaEvent PriorityTo(long at, int priority) => new(at, SlaEventKind.Priority, priority);
    public static SlaEvent Reply(long at, ReplyAuthor by, bool isPublic) => new(at, SlaEventKind.Reply, By: by, Public: isPublic);
}

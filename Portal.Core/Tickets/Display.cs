namespace Portal.Core.Tickets;

/// <summary>How values are written for people.</summary>
public static class Display
{
    public static string Status(TicketStatus status) => status switch
    {
        TicketStatus.New => "New",
        TicketStatus.Open => "Open",
        TicketStatus.InProgress => "In progress",
        TicketStatus.PendingRequester => "Waiting on requester",
        TicketStatus.OnHold => "On hold",
        TicketStatus.Resolved => "Resolved",
        TicketStatus.Closed => "Closed",
        TicketStatus.Waiting => "Waiting for another task",
        TicketStatus.AwaitingApproval => "Awaiting approval",
        _ => status.ToString(),
    };
}

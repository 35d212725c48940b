namespace Portal.Core.Tickets;

/// <summary>A ticket named by its number and title (a link, a parent, a rule's match).</summary>
public sealed record TicketRef(int Id, string Key, string Title);

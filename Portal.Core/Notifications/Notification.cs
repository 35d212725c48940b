namespace Portal.Core.Notifications;

/// <summary>An in-app notification for one person, with a link to its ticket.</summary>
public class Notification
{
    public long Id { get; set; }
    public string UserId { get; set; } = "";
    public int? TicketId { get; set; }
    public string Text { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public DateTime? ReadAt { get; set; }
}

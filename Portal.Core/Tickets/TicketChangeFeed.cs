namespace Portal.Core.Tickets;

/// <summary>A committed change to a ticket: which one, in which department, and what kind of change.</summary>
public sealed record TicketChanged(int TicketId, int DepartmentId, string What);

/// <summary>
/// In-process fan-out of committed ticket changes to whoever listens (open pages). Publishing happens after the
/// commit, so a listener that re-reads sees the change. Listeners must not throw and must unsubscribe when done.
/// </summary>
public sealed class TicketChangeFeed
{
    public event Action<TicketChanged>? Changed;

    public void Publish(TicketChanged change)
    {
        foreach (var listener in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<TicketChanged>)listener)(change);
            }
            catch (Exception)
            {
                // A listener's failure (a page that just closed) must not stop the others or the change itself.
            }
        }
    }
}

using Microsoft.Extensions.Logging;

namespace Portal.Core.Tickets;

/// <summary>What a committed change was, as open pages, hub clients and the other nodes hear of it.</summary>
public enum TicketChangeKind
{
    Created,
    Updated,
    Reply,
    Note,
    Watchers,
    Linked,
    Merged,
    Escalated,
    AssetLinked,
    AssetUnlinked,

    /// <summary>One of a request's tasks changed: the request's pages read its progress again.</summary>
    Task,
}

/// <summary>A committed change to a ticket: which one, in which department, and what kind of change.</summary>
public sealed record TicketChanged(int TicketId, int DepartmentId, TicketChangeKind Kind)
{
    /// <summary>The kind as hub clients and the other nodes read it ("created", "reply", "asset linked", ...).</summary>
    public string What => WireName(Kind);

    /// <summary>
    /// Whether someone who only follows the ticket (its requester, a watcher who does not work its department) may hear
    /// of the change: not of an internal note, watchers, links, escalations or assets, which they cannot see.
    /// </summary>
    public static bool RequesterMayHear(TicketChangeKind kind) =>
        kind is TicketChangeKind.Created or TicketChangeKind.Updated or TicketChangeKind.Reply or TicketChangeKind.Merged or TicketChangeKind.Task;

    public static string WireName(TicketChangeKind kind) => kind switch
    {
        TicketChangeKind.AssetLinked => "asset linked",
        TicketChangeKind.AssetUnlinked => "asset unlinked",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The kind behind a wire name; null for one this version does not know (a newer node's).</summary>
    public static TicketChangeKind? FromWireName(string what) =>
        Enum.GetValues<TicketChangeKind>().Select(k => (TicketChangeKind?)k).FirstOrDefault(k => WireName(k!.Value) == what);

    /// <summary>Who got an in-app notification with this change; null when the publisher does not say (count again).</summary>
    public IReadOnlySet<string>? Notified { get; init; }

    /// <summary>The node the change was made on, when another one (relayed over Redis); null for this node's own changes.</summary>
    public string? FromNode { get; init; }
}

/// <summary>
/// In-process fan-out of committed ticket changes to whoever listens (open pages). Publishing happens after the
/// commit, so a listener that re-reads sees the change. Listeners must not throw and must unsubscribe when done.
/// </summary>
public sealed class TicketChangeFeed(ILogger<TicketChangeFeed>? log = null)
{
    private long _generation;

    public event Action<TicketChanged>? Changed;

    /// <summary>How many changes have been published; read before a query, it tells whether the result may be stale.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public void Publish(TicketChanged change)
    {
        Interlocked.Increment(ref _generation);
        foreach (var listener in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<TicketChanged>)listener)(change);
            }
            catch (Exception ex)
            {
                // A listener's failure must not stop the others or the change itself; it is a bug worth a line in the log.
                log?.LogWarning(ex, "A listener of ticket changes failed on {What} of ticket {TicketId}", change.What, change.TicketId);
            }
        }
    }
}

using Portal.Core.Tickets;

namespace Portal.Realtime;

/// <summary>
/// A live page's subscription to ticket changes: the changes it cares about, and the connection coming back after a drop,
/// both make it read its data again on the page's own renderer. Disposed with the page.
/// </summary>
public sealed class LiveChanges : IDisposable
{
    private readonly TicketChangeFeed _feed;
    private readonly CircuitStatus _circuit;
    private readonly Func<TicketChanged, bool> _which;
    private readonly Func<TicketChanged?, Task> _refresh;
    private readonly Func<Func<Task>, Task> _onRenderer;

    /// <param name="which">The changes the page shows (read when the change arrives, so it may look at the page's state).</param>
    /// <param name="refresh">Reads and renders again: with the change, or null after a reconnection.</param>
    /// <param name="onRenderer">The page's InvokeAsync.</param>
    public LiveChanges(TicketChangeFeed feed, CircuitStatus circuit, Func<TicketChanged, bool> which, Func<TicketChanged?, Task> refresh,
        Func<Func<Task>, Task> onRenderer)
    {
        (_feed, _circuit, _which, _refresh, _onRenderer) = (feed, circuit, which, refresh, onRenderer);
        feed.Changed += OnChanged;
        circuit.Reconnected += OnReconnected;
    }

    private void OnChanged(TicketChanged change)
    {
        if (_which(change))
            _ = _onRenderer(() => _refresh(change));
    }

    private Task OnReconnected() => _onRenderer(() => _refresh(null));

    public void Dispose()
    {
        _feed.Changed -= OnChanged;
        _circuit.Reconnected -= OnReconnected;
    }
}

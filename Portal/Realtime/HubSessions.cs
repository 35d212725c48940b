using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Portal.Core.Users;

namespace Portal.Realtime;

/// <summary>
/// The hub connections open on this node, by person, so that ending someone's sign-ins closes their connections at
/// once (they joined their groups with the rights they had). A client that reconnects is let in again only with
/// its current rights: refused when deactivated or its cookie is stale, fewer groups when a department was taken away.
/// </summary>
public sealed class HubSessions : IDisposable
{
    private readonly ConcurrentDictionary<string, (string UserId, HubCallerContext Context)> _open = new();
    private readonly SessionRevocations _revocations;
    private readonly ILogger<HubSessions> _log;

    public HubSessions(SessionRevocations revocations, ILogger<HubSessions> log)
    {
        _revocations = revocations;
        _log = log;
        _revocations.Revoked += Close;
    }

    public int Count => _open.Count;

    public void Opened(string userId, HubCallerContext context) => _open[context.ConnectionId] = (userId, context);

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    private void Close(SessionRevoked revoked)
    {
        foreach (var (id, open) in _open.Where(o => o.Value.UserId == revoked.UserId).ToList())
        {
            _log.LogInformation("Closed hub connection {ConnectionId} of user {UserId}: their sign-ins were ended", id, revoked.UserId);
            open.Context.Abort();
            _open.TryRemove(id, out _);
        }
    }

    public void Dispose() => _revocations.Revoked -= Close;
}

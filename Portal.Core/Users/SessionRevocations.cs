using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Portal.Core.Users;

/// <summary>A person's sign-ins ended: their access was reduced, they were deactivated or signed out everywhere.</summary>
public sealed record SessionRevoked(string UserId)
{
    /// <summary>The node the revocation came from, when another node published it (through Redis).</summary>
    public string? FromNode { get; init; }
}

/// <summary>
/// Tells this node's open pages and hub connections, at once, that a person's sign-ins ended, so that they stop
/// acting and hearing with the rights they had. The database stays the authority (every unit of work checks the
/// actor's security stamp); this feed only makes the open connections notice without waiting for their next step.
/// It also remembers who was revoked lately, so that the sign-in cookie of such a person is checked on every request
/// for a while instead of once a minute.
/// </summary>
public sealed class SessionRevocations(TimeProvider clock, ILogger<SessionRevocations>? log = null)
{
    /// <summary>How long a revoked person's cookie is checked on every request (longer than the cookie check's interval).</summary>
    public static readonly TimeSpan Watch = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _recent = new();

    public event Action<SessionRevoked>? Revoked;

    public void Publish(SessionRevoked revoked)
    {
        var now = clock.GetUtcNow();
        _recent[revoked.UserId] = now;
        foreach (var old in _recent.Where(r => now - r.Value > Watch).Select(r => r.Key).ToList())
            _recent.TryRemove(old, out _);
        foreach (var listener in Revoked?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action<SessionRevoked>)listener)(revoked);
            }
            catch (Exception ex)
            {
                log?.LogWarning(ex, "A listener of sign-out signals failed for user {UserId}", revoked.UserId);
            }
        }
    }

    /// <summary>Whether this person's sign-ins were ended within <see cref="Watch"/>.</summary>
    public bool RecentlyRevoked(string userId) =>
        _recent.TryGetValue(userId, out var at) && clock.GetUtcNow() - at <= Watch;
}

using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using Portal.Core.Users;

namespace Portal.Security;

/// <summary>
/// The sign-in of one open browser tab (a Blazor circuit), checked against the account while the tab stays open: at once
/// when this node hears that the person's sign-ins ended (<see cref="SessionRevocations"/>, fed by other nodes through
/// Redis), and every <see cref="DeskOptions.SessionCheckSeconds"/> otherwise. When the check fails the tab is signed
/// out: the page gives way to the sign-in page and nothing more is read or written with the old rights.
/// </summary>
public sealed class RevokableAuthenticationState : RevalidatingServerAuthenticationStateProvider
{
    private static readonly AuthenticationState SignedOut = new(new ClaimsPrincipal(new ClaimsIdentity()));
    private readonly ActorService _actors;
    private readonly SessionRevocations _revocations;
    private readonly TimeSpan _interval;
    private readonly ILogger _log;

    public RevokableAuthenticationState(ILoggerFactory logs, ActorService actors, SessionRevocations revocations, IOptions<DeskOptions> options)
        : base(logs)
    {
        _actors = actors;
        _revocations = revocations;
        _interval = TimeSpan.FromSeconds(Math.Max(1, options.Value.SessionCheckSeconds));
        _log = logs.CreateLogger<RevokableAuthenticationState>();
        _revocations.Revoked += OnRevoked;
    }

    protected override TimeSpan RevalidationInterval => _interval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct) =>
        await StillValidAsync(state.User, _actors, ct);

    /// <summary>Whether the account behind a sign-in is still active with the same stamp as when the sign-in began.</summary>
    public static async Task<bool> StillValidAsync(ClaimsPrincipal user, ActorService actors, CancellationToken ct = default)
    {
        if (user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } id)
            return false;
        var actor = await actors.LoadAsync(id, ct);
        return actor is not null && (user.FindFirstValue(CurrentActor.StampClaim) is not { } stamp || stamp == actor.Stamp);
    }

    private void OnRevoked(SessionRevoked revoked) => _ = CheckNowAsync(revoked.UserId);

    private async Task CheckNowAsync(string userId)
    {
        try
        {
            var state = await GetAuthenticationStateAsync();
            if (state.User.FindFirstValue(ClaimTypes.NameIdentifier) != userId || await StillValidAsync(state.User, _actors))
                return;
            _log.LogInformation("Signed out an open page of user {UserId}: their sign-ins were ended", userId);
            SetAuthenticationState(Task.FromResult(SignedOut));
        }
        catch (Exception ex)
        {
            // The periodic check still catches it; the refusal in every unit of work holds meanwhile.
            _log.LogWarning(ex, "Could not check an open page of user {UserId} after their sign-ins were ended", userId);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _revocations.Revoked -= OnRevoked;
        base.Dispose(disposing);
    }
}

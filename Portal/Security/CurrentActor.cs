using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Security;

/// <summary>
/// The signed-in person as a Core <see cref="Actor"/>, read fresh from the database on each call, with the address
/// the browser connected from (for the audit trail; kept from the first call, as the live connection's address).
/// </summary>
public sealed class CurrentActor(AuthenticationStateProvider auth, ActorService actors, IHttpContextAccessor http)
{
    private string? _source;

    public async Task<Actor> GetAsync(CancellationToken ct = default)
    {
        var state = await auth.GetAuthenticationStateAsync();
        _source ??= http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        return await FromPrincipalAsync(state.User, actors, ct) with { Source = _source };
    }

    /// <summary>Who is signed in, without loading them: for recording a refusal even when the account is gone.</summary>
    public async Task<(string? UserId, string? Source)> WhoAsync()
    {
        var state = await auth.GetAuthenticationStateAsync();
        _source ??= http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        return (state.User.FindFirstValue(ClaimTypes.NameIdentifier), _source);
    }

    /// <summary>The claim in which the sign-in cookie carries the account's security stamp (Identity's default name).</summary>
    public const string StampClaim = "AspNet.Identity.SecurityStamp";

    /// <summary>
    /// The person behind a sign-in, with their current rights, or a refusal when the account is gone, deactivated or its
    /// sign-ins were ended since this one began (the stamp in the cookie no longer matches).
    /// </summary>
    public static async Task<Actor> FromPrincipalAsync(ClaimsPrincipal principal, ActorService actors, CancellationToken ct = default)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var actor = id is null ? null : await actors.LoadAsync(id, ct);
        if (actor is null)
            throw new DeskForbiddenException("You are not signed in, or your account has been deactivated.");
        if (principal.FindFirstValue(StampClaim) is { } signedInWith && signedInWith != actor.Stamp)
            throw new DeskForbiddenException(Core.Persistence.AuditDbFactory.SignedOutMessage);
        return actor;
    }
}

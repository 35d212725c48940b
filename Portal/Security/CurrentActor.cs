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

    public static async Task<Actor> FromPrincipalAsync(ClaimsPrincipal principal, ActorService actors, CancellationToken ct = default)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var actor = id is null ? null : await actors.LoadAsync(id, ct);
        return actor ?? throw new DeskForbiddenException("You are not signed in, or your account has been deactivated.");
    }
}

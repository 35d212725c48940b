using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Security;

/// <summary>The signed-in person as a Core <see cref="Actor"/>, read fresh from the database on each call.</summary>
public sealed class CurrentActor(AuthenticationStateProvider auth, ActorService actors)
{
    public async Task<Actor> GetAsync(CancellationToken ct = default)
    {
        var state = await auth.GetAuthenticationStateAsync();
        return await FromPrincipalAsync(state.User, actors, ct);
    }

    public static async Task<Actor> FromPrincipalAsync(ClaimsPrincipal principal, ActorService actors, CancellationToken ct = default)
    {
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var actor = id is null ? null : await actors.LoadAsync(id, ct);
        return actor ?? throw new DeskForbiddenException("You are not signed in, or your account has been deactivated.");
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Core.Admin;

/// <summary>
/// "Sign out everywhere": ends every sign-in of a person on every node (open pages, hub connections, cookies). An admin
/// may do it for anyone; a person for themselves (a lost laptop). Recorded on the audit trail.
/// </summary>
public sealed class SignOutService(IServiceScopeFactory scopes, SessionRevocations revocations, AuditService audit, TimeProvider clock)
{
    public async Task SignOutEverywhereAsync(Actor actor, string userId, CancellationToken ct = default)
    {
        if (actor.UserId != userId)
            Access.RequireAdmin(actor, "Only admins can sign someone else out.");
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DeskUser>>();
        var user = await users.FindByIdAsync(userId) ?? throw new DeskNotFoundException($"User {userId} does not exist.");
        await users.UpdateSecurityStampAsync(user);
        revocations.Publish(new SessionRevoked(user.Id));
        await audit.RecordAsync(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, ActorKind = AuditActorKind.User, ActorId = actor.UserId,
            Action = "signin.ended-everywhere", EntityType = "user", EntityId = user.Id, Source = actor.Source ?? "portal",
        }, ct);
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Core.Admin;

/// <summary>
/// Turning two-step sign-in on and off for local accounts. A person sets it up for themselves (the key is shown, then a
/// code from the app proves it was taken); ten recovery codes are shown once. Turning it off needs a current code, or an
/// admin (for someone who lost their phone and their codes). Every change is on the audit trail. None of these changes
/// the security stamp: the person's open pages go on working.
/// </summary>
public sealed class TwoStepSignIn(IServiceScopeFactory scopes, AuditService audit, TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;

    /// <summary>One's own state, or (for an admin) someone else's.</summary>
    public async Task<TwoStepState> StateAsync(Actor actor, string? userId = null, CancellationToken ct = default)
    {
        if (userId is not null && userId != actor.UserId)
            Access.RequireAdmin(actor, "Only admins can see someone else's sign-in settings.");
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await FindAsync(users, userId ?? actor.UserId);
        return new TwoStepState(user.PasswordHash is not null, user.TwoFactorEnabled,
            user.TwoFactorEnabled ? await users.CountRecoveryCodesAsync(user) : 0);
    }

    /// <summary>A new key for the app (replacing one never confirmed); refused while two-step sign-in is on.</summary>
    public async Task<AuthenticatorSetup> BeginAsync(Actor actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await FindAsync(users, actor.UserId);
        if (user.PasswordHash is null)
            throw new DeskValidationException("Account", "Two-step sign-in: your account signs in through Entra ID, which has its own second step.");
        if (user.TwoFactorEnabled)
            throw new DeskValidationException("Account", "Two-step sign-in is already on; turn it off first to set up another app.");
        // Through the store: UserManager's reset would change the security stamp and sign the person out.
        var store = (IUserAuthenticatorKeyStore<DeskUser>)scope.ServiceProvider.GetRequiredService<IUserStore<DeskUser>>();
        var key = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        await store.SetAuthenticatorKeyAsync(user, key, ct);
        await users.UpdateAsync(user);
        var label = Uri.EscapeDataString("InternalDesk:" + user.Email);
        return new AuthenticatorSetup(Grouped(key), $"otpauth://totp/{label}?secret={key}&issuer=InternalDesk&digits=6&period=30");
    }

    /// <summary>Turns it on when the code matches the key just shown; returns the recovery codes (shown once).</summary>
    public async Task<IReadOnlyList<string>> EnableAsync(Actor actor, string? code, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await FindAsync(users, actor.UserId);
        if (user.TwoFactorEnabled)
            throw new DeskValidationException("Code", "Two-step sign-in is already on.");
        if (string.IsNullOrEmpty(await users.GetAuthenticatorKeyAsync(user)))
            throw new DeskValidationException("Code", "Code: set up your app first.");
        await RequireCodeAsync(users, user, code);
        user.TwoFactorEnabled = true;
        await users.UpdateAsync(user);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        await RecordAsync(actor, user.Id, "signin.two-step-on", ct);
        return codes;
    }

    /// <summary>New recovery codes in place of the old ones; needs a current code.</summary>
    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(Actor actor, string? code, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await FindAsync(users, actor.UserId);
        if (!user.TwoFactorEnabled)
            throw new DeskValidationException("Code", "Two-step sign-in is off.");
        await RequireCodeAsync(users, user, code);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))!.ToList();
        await RecordAsync(actor, user.Id, "signin.recovery-codes-renewed", ct);
        return codes;
    }

    /// <summary>Turns it off: for oneself with a current code; an admin for anyone, without.</summary>
    public async Task DisableAsync(Actor actor, string userId, string? code, CancellationToken ct = default)
    {
        var self = actor.UserId == userId;
        if (!self)
            Access.RequireAdmin(actor, "Only admins can turn off someone else's two-step sign-in.");
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await FindAsync(users, userId);
        if (!user.TwoFactorEnabled)
            return;
        if (self)
            await RequireCodeAsync(users, user, code);
        var store = (IUserAuthenticatorKeyStore<DeskUser>)scope.ServiceProvider.GetRequiredService<IUserStore<DeskUser>>();
        user.TwoFactorEnabled = false;
        await store.SetAuthenticatorKeyAsync(user, null!, ct);
        await users.UpdateAsync(user);
        await ((IUserTwoFactorRecoveryCodeStore<DeskUser>)store).ReplaceCodesAsync(user, [], ct);
        await users.UpdateAsync(user);
        await RecordAsync(actor, user.Id, "signin.two-step-off", ct);
    }

    private static async Task RequireCodeAsync(UserManager<DeskUser> users, DeskUser user, string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
            throw new DeskValidationException("Code", "Code: enter the 6 digits your app shows.");
        if (!await users.VerifyTwoFactorTokenAsync(user, AuthenticatorCodes.Name, code))
            throw new DeskValidationException("Code", "Code: that is not the code your app shows now (or it was used already). Try the next one.");
    }

    private Task RecordAsync(Actor actor, string userId, string action, CancellationToken ct) =>
        audit.RecordAsync(new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, ActorKind = AuditActorKind.User, ActorId = actor.UserId,
            Action = action, EntityType = "user", EntityId = userId, Source = actor.Source ?? "portal",
        }, ct);

    private static UserManager<DeskUser> Users(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<UserManager<DeskUser>>();

    private static async Task<DeskUser> FindAsync(UserManager<DeskUser> users, string userId) =>
        await users.FindByIdAsync(userId) ?? throw new DeskNotFoundException($"User {userId} does not exist.");

    /// <summary>The key in groups of four, easier to type.</summary>
    private static string Grouped(string key) =>
        string.Join(' ', Enumerable.Range(0, (key.Length + 3) / 4).Select(i => key.Substring(i * 4, Math.Min(4, key.Length - i * 4))));
}

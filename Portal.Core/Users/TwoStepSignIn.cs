using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Security;

namespace Portal.Core.Users;

/// <summary>Where a person's two-step sign-in stands.</summary>
/// <param name="HasPassword">Signs in with a password of the desk's own (Entra ID accounts use Entra ID's own second step).</param>
public sealed record TwoStepState(bool HasPassword, bool Enabled, int RecoveryCodesLeft);

/// <summary>What an authenticator app needs: the key to type, or the address a QR code carries.</summary>
public sealed record AuthenticatorSetup(string Key, string Uri);

/// <summary>
/// Codes from an authenticator app (TOTP, RFC 6238: 6 digits, 30 seconds, one step of drift either way), checked on the
/// desk's clock, each code good once: a code seen over someone's shoulder cannot be used again.
/// </summary>
public sealed class AuthenticatorCodes(TimeProvider clock) : IUserTwoFactorTokenProvider<DeskUser>
{
    public const string Name = "InternalDesk.Authenticator";
    private const string LoginProvider = "InternalDesk";
    private const string LastStep = "AuthenticatorLastStep";

    public Task<string> GenerateAsync(string purpose, UserManager<DeskUser> manager, DeskUser user) =>
        throw new NotSupportedException("Authenticator codes come from the person's app.");

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<DeskUser> manager, DeskUser user) =>
        !string.IsNullOrEmpty(await manager.GetAuthenticatorKeyAsync(user));

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<DeskUser> manager, DeskUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        var code = Normalise(token);
        if (string.IsNullOrEmpty(key) || code.Length != 6 || !code.All(char.IsAsciiDigit))
            return false;
        if (!Matches(key, code, clock.GetUtcNow().UtcDateTime, out var step))
            return false;
        var used = await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStep);
        if (long.TryParse(used, out var last) && step <= last)
            return false;
        await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStep, step.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }

    public static bool Matches(string key, string code, DateTime utcNow, out long step) =>
        new Totp(Base32Encoding.ToBytes(key)).VerifyTotp(utcNow, code, out step, new VerificationWindow(previous: 1, future: 1));

    /// <summary>Spaces and dashes people type between the digits do not count.</summary>
    public static string Normalise(string? code) => new((code ?? "").Where(c => c is not (' ' or '-')).ToArray());
}

/// <summary>
/// Turning two-step sign-in on and off for local accounts. A person sets it up for themselves (the key is shown, then a
/// code from the app proves it was taken); ten recovery codes are shown once. Turning it off needs a current code, or an
/// admin (for someone who lost their phone and their codes). Every change is on the audit trail. None of these changes
/// the security stamp: the person's open pages go on working.
/// </summary>
public sealed class TwoStepSignIn(IServiceScopeFactory scopes, AuditService audit, TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;

    public async Task<TwoStepState> StateAsync(Actor actor, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await FindAsync(users, actor.UserId);
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

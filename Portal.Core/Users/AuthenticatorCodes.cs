using Microsoft.AspNetCore.Identity;
using OtpNet;

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


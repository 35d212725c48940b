namespace Portal.Features.Account;

/// <summary>
/// What the sign-in page may say after a failed attempt. The address carries only a code (<c>?error=locked</c>), so a
/// link someone else made cannot put words of their own ("Call the help desk on ...") on the desk's sign-in page.
/// </summary>
public static class SignInMessages
{
    public const string Expired = "expired";
    public const string Missing = "missing";
    public const string Deactivated = "deactivated";
    public const string Locked = "locked";
    public const string Mismatch = "mismatch";
    public const string EntraUnknown = "entra-unknown";
    public const string EntraOff = "entra-off";
    public const string Throttled = "throttled";
    public const string WrongCode = "code";

    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        [Expired] = "The sign-in form had expired. Please sign in again.",
        [Missing] = "Enter your email and your password.",
        [Deactivated] = "This account has been deactivated. Ask an admin if you need it again.",
        [Locked] = "Too many wrong codes: this account is locked for 15 minutes.",
        [Mismatch] = "That email and password do not match an account.",
        [EntraUnknown] = "Entra ID did not say who you are (no object id or email).",
        [EntraOff] = "Sign-in with Entra ID is not set up on this desk; sign in with your email and password.",
        [Throttled] = "Too many sign-in attempts. Please wait {0} before the next one.",
        [WrongCode] = "That is not the code your app shows now (or it was used already). Try the next one, or a recovery code.",
    };

    /// <summary>The message for a code; nothing for an unknown one.</summary>
    public static string? For(string? code, int? wait = null) =>
        code is not null && Texts.TryGetValue(code, out var text) ? string.Format(System.Globalization.CultureInfo.InvariantCulture, text, Wait(wait)) : null;

    /// <summary>A wait in words; the address carries only a number, bounded, so it cannot say anything else.</summary>
    private static string Wait(int? seconds) => Math.Clamp(seconds ?? 60, 1, 3600) switch
    {
        1 => "a second",
        < 90 and var s => $"{s} seconds",
        var s => $"{(s + 59) / 60} minutes",
    };
}

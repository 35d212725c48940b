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

    private static readonly Dictionary<string, string> Texts = new(StringComparer.Ordinal)
    {
        [Expired] = "The sign-in form had expired. Please sign in again.",
        [Missing] = "Enter your email and your password.",
        [Deactivated] = "This account has been deactivated. Ask an admin if you need it again.",
        [Locked] = "Too many failed attempts: this account is locked for 15 minutes.",
        [Mismatch] = "That email and password do not match an account.",
        [EntraUnknown] = "Entra ID did not say who you are (no object id or email).",
    };

    /// <summary>The message for a code; nothing for an unknown one.</summary>
    public static string? For(string? code) => code is not null && Texts.TryGetValue(code, out var text) ? text : null;
}

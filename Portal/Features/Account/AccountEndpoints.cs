using Portal.Components.Shared;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Core.Users;
using Portal.Security;

namespace Portal.Features.Account;

public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/signin", async (HttpContext http, SignInManager<DeskUser> signIn, UserManager<DeskUser> users,
            Core.Audit.AuditService audit, TimeProvider clock, SignInThrottle throttle) =>
        {
            if (!FormIsGenuine(http))
                return Results.Redirect(DeskRoutes.SignIn + "?error=" + SignInMessages.Expired);
            var form = await http.Request.ReadFormAsync();
            string? email = form["email"];
            string? password = form["password"];
            string? returnUrl = form["returnUrl"];

            string Back(string error, int? wait = null) => DeskRoutes.SignIn + "?" + QueryString.Create(new Dictionary<string, string?>
            {
                ["error"] = error, ["wait"] = wait?.ToString(System.Globalization.CultureInfo.InvariantCulture), ["email"] = email, ["returnUrl"] = returnUrl,
            }.Where(p => p.Value is not null)).Value!.TrimStart('?');

            if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
                return Results.Redirect(Back(SignInMessages.Missing));
            email = email.Trim();
            var address = http.Connection.RemoteIpAddress?.ToString();
            var user = await users.FindByEmailAsync(email);
            // Every attempt is audited, with the email as typed and where it came from; never the password.
            Task Audit(string action) => RecordAttemptAsync(audit, clock, http, user?.Id, email, action);
            async Task<IResult> WrongAsync()
            {
                throttle.Failed(email, address);
                await Audit("signin.failed");
                return Results.Redirect(Back(SignInMessages.Mismatch));
            }

            // A browser where this person signed in before is never kept waiting by someone guessing elsewhere.
            if (user is null || throttle.KnownDevice(http) != user.Id)
            {
                var wait = throttle.WaitFor(email, address);
                if (wait > TimeSpan.Zero)
                {
                    await Audit("signin.throttled");
                    return Results.Redirect(Back(SignInMessages.Throttled, (int)Math.Ceiling(wait.TotalSeconds)));
                }
            }

            if (user is null)
            {
                // As long as for a real account, so that answer times do not tell which emails have one.
                users.PasswordHasher.VerifyHashedPassword(new DeskUser(), DummyHash(users.PasswordHasher), password);
                return await WrongAsync();
            }

            if (!user.IsActive)
            {
                // Only someone who knows the password learns that the account exists and was deactivated.
                if (!await users.CheckPasswordAsync(user, password))
                    return await WrongAsync();
                await Audit("signin.deactivated");
                return Results.Redirect(Back(SignInMessages.Deactivated));
            }

            // No lockout on wrong passwords (a stranger could lock anyone out): the throttle above slows guessing instead.
            var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: false);
            if (result.IsLockedOut)
            {
                await Audit("signin.locked");
                return Results.Redirect(Back(SignInMessages.Locked));
            }

            if (result.RequiresTwoFactor)
            {
                await Audit("signin.password-accepted");
                return Results.Redirect(DeskRoutes.TwoFactor + "?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(returnUrl)));
            }

            if (!result.Succeeded)
                return await WrongAsync();

            throttle.Succeeded(email);
            throttle.RememberDevice(http, user.Id);
            await Audit("signin.succeeded");
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).RequireRateLimiting(SignInRateLimit.Policy);

        app.MapPost(DeskRoutes.TwoFactorVerify, async (HttpContext http, SignInManager<DeskUser> signIn, Core.Audit.AuditService audit,
            TimeProvider clock, SignInThrottle throttle) =>
        {
            var user = await signIn.GetTwoFactorAuthenticationUserAsync();
            if (!FormIsGenuine(http) || user is null)
                return Results.Redirect(DeskRoutes.SignIn + "?error=" + SignInMessages.Expired);
            var form = await http.Request.ReadFormAsync();
            var code = Core.Users.AuthenticatorCodes.Normalise(form["code"]);
            string? returnUrl = form["returnUrl"];
            Task Audit(string action) => RecordAttemptAsync(audit, clock, http, user.Id, user.Email ?? user.Id, action);
            // Six digits are the app's code; anything longer is a recovery code (each good once).
            var result = code.Length == 6 && code.All(char.IsAsciiDigit)
                ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
                : code.Length > 0 ? await signIn.TwoFactorRecoveryCodeSignInAsync(RecoveryCode(code)) : Microsoft.AspNetCore.Identity.SignInResult.Failed;
            if (result.IsLockedOut)
            {
                await Audit("signin.locked");
                return Results.Redirect(DeskRoutes.SignIn + "?error=" + SignInMessages.Locked);
            }

            if (!result.Succeeded)
            {
                await Audit("signin.code-refused");
                return Results.Redirect(DeskRoutes.TwoFactor + "?error=" + SignInMessages.WrongCode + "&returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(returnUrl)));
            }

            throttle.Succeeded(user.Email ?? "");
            throttle.RememberDevice(http, user.Id);
            await Audit(code.Length == 6 ? "signin.succeeded" : "signin.succeeded-with-recovery-code");
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).RequireRateLimiting(SignInRateLimit.Policy);

        app.MapPost("/account/logout", async (HttpContext http, SignInManager<DeskUser> signIn) =>
        {
            if (FormIsGenuine(http))
                await signIn.SignOutAsync();
            return Results.Redirect(DeskRoutes.SignIn);
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());

        app.MapGet("/account/entra", async (string? returnUrl, IAuthenticationSchemeProvider schemes) =>
        {
            if (await schemes.GetSchemeAsync(PortalWeb.EntraScheme) is null)
                return Results.Redirect(DeskRoutes.SignIn + "?error=" + SignInMessages.EntraOff);
            var properties = new AuthenticationProperties
            {
                RedirectUri = "/account/entra/done?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(returnUrl)),
            };
            return Results.Challenge(properties, [PortalWeb.EntraScheme]);
        });

        app.MapGet("/account/entra/done", async (string? returnUrl, HttpContext http, SignInManager<DeskUser> signIn,
            UserManager<DeskUser> users, ExternalUserService external, IOptions<EntraIdMappingOptions> mapping, Core.Mail.DirectoryManagers managers) =>
        {
            var result = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
            await http.SignOutAsync(IdentityConstants.ExternalScheme);
            var who = result.Succeeded ? EntraIdMapping.Map(result.Principal, mapping.Value) : null;
            if (who is null)
                return Results.Redirect(DeskRoutes.SignIn + "?error=" + SignInMessages.EntraUnknown);
            var userId = await external.ProvisionAsync(who with { ManagerEmail = await managers.ManagerEmailAsync(who.ObjectId) });
            var user = userId is null ? null : await users.FindByIdAsync(userId);
            if (user is null)
                return Results.Redirect(DeskRoutes.SignIn + "?error=" + SignInMessages.Deactivated);
            await signIn.SignInAsync(user, isPersistent: false);
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        });
    }

    /// <summary>Every sign-in step is audited, with the email as typed and where it came from; never a password or a code.</summary>
    private static Task RecordAttemptAsync(Core.Audit.AuditService audit, TimeProvider clock, HttpContext http, string? userId, string email,
        string action) =>
        audit.RecordAsync(new Core.Audit.AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime, ActorKind = Core.Audit.AuditActorKind.User, ActorId = userId, Action = action,
            EntityType = "user", EntityId = email.ToLowerInvariant(), Source = http.Connection.RemoteIpAddress?.ToString() ?? "local",
        });

    /// <summary>A recovery code as it was shown (<c>ab12c-3de45</c>), whether typed with its dash or without.</summary>
    private static string RecoveryCode(string typed) => (typed.Length == 10 ? $"{typed[..5]}-{typed[5..]}" : typed).ToUpperInvariant();

    private static string? _dummyHash;

    /// <summary>A hash of a random password, made once, to check unknown emails against.</summary>
    private static string DummyHash(IPasswordHasher<DeskUser> hasher) =>
        _dummyHash ??= hasher.HashPassword(new DeskUser(), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)));

    /// <summary>Whether the antiforgery middleware found a valid token on this form post.</summary>
    private static bool FormIsGenuine(HttpContext http) =>
        http.Features.Get<IAntiforgeryValidationFeature>()?.IsValid == true;

    /// <summary>Only a path inside this app; anything else (another host, a scheme) goes home.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            // Browsers drop tabs and line breaks from addresses ("/\t/evil.example" becomes "//evil.example"), and a
            // control character in a Location header is refused: neither belongs in a path of ours.
            && !returnUrl.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))
            ? returnUrl
            : "/";
}

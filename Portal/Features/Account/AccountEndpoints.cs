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
            Core.Audit.AuditService audit, TimeProvider clock) =>
        {
            if (!FormIsGenuine(http))
                return Results.Redirect(DeskRoutes.SignIn + "?error=" + SignInMessages.Expired);
            var form = await http.Request.ReadFormAsync();
            string? email = form["email"];
            string? password = form["password"];
            string? returnUrl = form["returnUrl"];

            string Back(string error) => DeskRoutes.SignIn + "?" + QueryString.Create(new Dictionary<string, string?>
            {
                ["error"] = error, ["email"] = email, ["returnUrl"] = returnUrl,
            }).Value!.TrimStart('?');

            if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
                return Results.Redirect(Back(SignInMessages.Missing));
            var user = await users.FindByEmailAsync(email.Trim());
            // Every attempt is audited, with the email as typed and where it came from; never the password.
            Task Audit(string action) => audit.RecordAsync(new Core.Audit.AuditEntry
            {
                At = clock.GetUtcNow().UtcDateTime, ActorKind = Core.Audit.AuditActorKind.User, ActorId = user?.Id, Action = action,
                EntityType = "user", EntityId = email.Trim().ToLowerInvariant(), Source = http.Connection.RemoteIpAddress?.ToString() ?? "local",
            });
            if (user is { IsActive: false })
            {
                await Audit("signin.deactivated");
                return Results.Redirect(Back(SignInMessages.Deactivated));
            }

            var result = user is null
                ? Microsoft.AspNetCore.Identity.SignInResult.Failed
                : await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
            if (result.IsLockedOut)
            {
                await Audit("signin.locked");
                return Results.Redirect(Back(SignInMessages.Locked));
            }

            if (!result.Succeeded)
            {
                await Audit("signin.failed");
                return Results.Redirect(Back(SignInMessages.Mismatch));
            }

            await Audit("signin.succeeded");
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());

        app.MapPost("/account/logout", async (HttpContext http, SignInManager<DeskUser> signIn) =>
        {
            if (FormIsGenuine(http))
                await signIn.SignOutAsync();
            return Results.Redirect(DeskRoutes.SignIn);
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());

        app.MapGet("/account/entra", (string? returnUrl, IAuthenticationSchemeProvider schemes) =>
        {
            var properties = new AuthenticationProperties
            {
                RedirectUri = "/account/entra/done?returnUrl=" + Uri.EscapeDataString(SafeReturnUrl(returnUrl)),
            };
            return Results.Challenge(properties, [PortalWeb.EntraScheme]);
        });

        app.MapGet("/account/entra/done", async (string? returnUrl, HttpContext http, SignInManager<DeskUser> signIn,
            UserManager<DeskUser> users, ExternalUserService external, IOptions<EntraIdMappingOptions> mapping) =>
        {
            var result = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
            await http.SignOutAsync(IdentityConstants.ExternalScheme);
            var who = result.Succeeded ? EntraIdMapping.Map(result.Principal, mapping.Value) : null;
            if (who is null)
                return Results.Redirect(DeskRoutes.SignIn + "?error=" + SignInMessages.EntraUnknown);
            var userId = await external.ProvisionAsync(who);
            var user = userId is null ? null : await users.FindByIdAsync(userId);
            if (user is null)
                return Results.Redirect(DeskRoutes.SignIn + "?error=" + SignInMessages.Deactivated);
            await signIn.SignInAsync(user, isPersistent: false);
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        });
    }

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

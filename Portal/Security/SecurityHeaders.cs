using System.Security.Cryptography;

namespace Portal.Security;

/// <summary>
/// Headers every answer carries: a Content-Security-Policy that lets a page run only the desk's own script files and
/// the one inline script Blazor writes (its import map, carrying this answer's nonce), so text someone managed to
/// plant in a page can never run; browsers must not guess a file's type from its content (an uploaded "picture" that
/// is really a page); other sites learn only our origin from a link; and the pages ask for no camera, microphone or
/// location. Styles may be inline: MudBlazor sets style attributes, and a style cannot run code.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "InternalDesk.CspNonce";

    /// <summary>For a downloaded file: nothing in it may run or load anything, even if a browser shows it.</summary>
    public const string FilePolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

    /// <summary>This answer's nonce, for the inline script tags a page writes.</summary>
    public static string Nonce(HttpContext http) =>
        http.Items.TryGetValue(NonceKey, out var nonce) && nonce is string text ? text : "";

    public static string PagePolicy(string nonce) =>
        $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    public static IApplicationBuilder UseDeskSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // Hex: nothing in it that HTML encoding would change.
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                // A downloaded file keeps its own; Blazor's frame-ancestors policy is part of ours.
                if (headers.ContentSecurityPolicy != FilePolicy)
                    headers.ContentSecurityPolicy = PagePolicy(nonce);
                return Task.CompletedTask;
            });
            return next(context);
        });
}

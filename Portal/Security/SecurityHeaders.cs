namespace Portal.Security;

/// <summary>
/// Headers every answer carries: browsers must not guess a file's type from its content (an uploaded "picture" that
/// is really a page), other sites learn only our origin from a link, and the pages ask for no camera, microphone or
/// location. Blazor adds its own <c>frame-ancestors 'self'</c> policy to its pages.
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseDeskSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
                return Task.CompletedTask;
            });
            return next(context);
        });
}

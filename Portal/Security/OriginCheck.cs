using Microsoft.Extensions.Options;
using Portal.Core.Notifications;

namespace Portal.Security;

/// <summary>
/// The live connections (Blazor's <c>/_blazor</c> and the hub at <c>/hubs/desk</c>) open only from the desk's own pages.
/// A WebSocket is not bound by CORS, so without this a page on another site could open one with the visitor's cookie
/// (cross-site WebSocket hijacking). A request that names an Origin is let through when it is the address the browser
/// asked for (after the proxy's forwarded headers), the configured portal address (<c>Notifications:BaseUrl</c>) or
/// one of <c>Security:AllowedOrigins</c>; any other answers 403. Clients that send no Origin (scripts, wallboard
/// apps) are not browsers on someone else's page and still need a sign-in.
/// </summary>
public static class OriginCheck
{
    private static readonly PathString[] Guarded = ["/_blazor", Realtime.DeskHub.Path];

    public static IApplicationBuilder UseDeskOriginCheck(this IApplicationBuilder app)
    {
        var configuration = app.ApplicationServices.GetRequiredService<IConfiguration>();
        var delivery = app.ApplicationServices.GetRequiredService<IOptions<DeliveryOptions>>().Value;
        var allowed = (configuration.GetSection("Security:AllowedOrigins").Get<string[]>() ?? [])
            .Append(delivery.BaseUrl)
            .Select(OriginOf).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OriginCheck));
        return app.Use((context, next) =>
        {
            var request = context.Request;
            if (!Guarded.Any(p => request.Path.StartsWithSegments(p)) || request.Headers.Origin.Count == 0)
                return next(context);
            var origin = request.Headers.Origin.ToString();
            var own = $"{request.Scheme}://{request.Host}";
            if (string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || allowed.Contains(origin))
                return next(context);
            log.LogWarning("Refused a live connection to {Path} from origin {Origin}", request.Path.Value, origin);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        });
    }

    private static string? OriginOf(string? address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : null;
}

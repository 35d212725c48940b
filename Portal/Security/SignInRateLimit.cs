using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.Components.Shared;
using Portal.Features.Account;

namespace Portal.Security;

/// <summary>
/// A cap on sign-in posts per network address (right or wrong), through ASP.NET Core's rate limiter: checking a password
/// is slow on purpose, so a flood of them is refused before any is checked. A refused post goes back to the sign-in page
/// with a message, like any other failed attempt.
/// </summary>
public static class SignInRateLimit
{
    public const string Policy = "signin";

    public static IServiceCollection AddSignInLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SignInThrottleOptions>(configuration.GetSection(SignInThrottleOptions.Section));
        services.AddSingleton<SignInThrottle>();
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Policy, http =>
            {
                var limits = http.RequestServices.GetRequiredService<IOptions<SignInThrottleOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "local", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, limits.AttemptsPerWindow), Window = TimeSpan.FromSeconds(Math.Max(1, limits.WindowSeconds)), QueueLimit = 0,
                });
            });
            o.OnRejected = (context, _) =>
            {
                if (context.HttpContext.Request.Path.StartsWithSegments("/api"))
                    return new ValueTask(Api.ApiAccess.TooManyAsync(context.HttpContext,
                        context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : null));
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? (int)Math.Ceiling(retry.TotalSeconds) : 60;
                context.HttpContext.Response.Redirect($"{DeskRoutes.SignIn}?error={SignInMessages.Throttled}&wait={wait}");
                return ValueTask.CompletedTask;
            };
        });
        return services;
    }
}

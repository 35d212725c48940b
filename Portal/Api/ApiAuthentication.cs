using Portal.Core.Admin;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Core.Security;
using Portal.Core.Users;
using Portal.Security;

namespace Portal.Api;

/// <summary>The API's limits, under <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Calls one token may make per minute; more answer 429 with Retry-After.</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Bad, expired or revoked tokens one network address may present per minute before it is refused without a look.</summary>
    public int FailedTokensPerMinute { get; set; } = 20;
}

/// <summary>
/// <c>Authorization: Bearer idk_...</c>: the token is looked up by its hash on every call (a revoked token fails on every
/// node at once) and the caller acts with its user's rights as they are now. No token, or a bad one: 401 with a
/// problem-details body and <c>WWW-Authenticate</c>; too many bad ones from one address: 429.
/// </summary>
public sealed class ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiTokenService tokens, ApiTokenFailures failures)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    /// <summary>The app's default scheme: a request with an Authorization header is the token's, any other the sign-in cookie's.</summary>
    public const string CookieOrToken = "CookieOrToken";

    public const string TokenIdClaim = "internaldesk:token";
    public const string ScopeClaim = "scope";
    private const string RefusalKey = "ApiTokenRefusal";
    private const string CallerKey = "ApiTokenCaller";

    public static TokenCaller? CallerOf(HttpContext http) => http.Items[CallerKey] as TokenCaller;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
            return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Refuse("The Authorization header must be \"Bearer\" followed by an API token.");
        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "local";
        if (failures.Blocked(address) is { } wait)
        {
            Context.Items[RefusalKey] = wait;
            return AuthenticateResult.Fail("Too many bad tokens from this address.");
        }

        var (caller, refusal) = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), address, Context.RequestAborted);
        if (caller is null)
        {
            failures.Failed(address);
            return Refuse(refusal switch
            {
                TokenRefusal.Expired => "The token has expired. Make a new one on Account → API tokens.",
                TokenRefusal.Revoked => "The token has been revoked.",
                TokenRefusal.UserInactive => "The token's account is deactivated.",
                _ => "The token is not known.",
            });
        }

        Context.Items[CallerKey] = caller;
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, caller.Actor.UserId), new Claim(ClaimTypes.Name, caller.Actor.DisplayName),
                new Claim(TokenIdClaim, caller.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                .. caller.Scopes.Select(s => new Claim(ScopeClaim, s)),
            ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Refuse(string why)
    {
        Context.Items[RefusalKey] = why;
        return AuthenticateResult.Fail(why);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[RefusalKey] is TimeSpan wait)
        {
            Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiProblems.WriteAsync(Context, StatusCodes.Status429TooManyRequests, "Too many bad tokens.",
                "This address presented too many bad tokens; wait before trying again.");
            return;
        }

        var why = Context.Items[RefusalKey] as string;
        Response.Headers.WWWAuthenticate = why is null
            ? "Bearer realm=\"InternalDesk\""
            : $"Bearer realm=\"InternalDesk\", error=\"invalid_token\", error_description=\"{why.Replace("\"", "'", StringComparison.Ordinal)}\"";
        await ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "An API token is needed.",
            why ?? "Send Authorization: Bearer <token>. Make a token on Account → API tokens.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "You may not do this.", "The token does not allow this.");
}

/// <summary>Counts bad tokens per network address in a one-minute window (per node, in memory).</summary>
public sealed class ApiTokenFailures(TimeProvider clock, IOptionsMonitor<ApiOptions> options)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Count)> _windows = new();
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>How long the address must wait, when it has used up its bad tries for this minute.</summary>
    public TimeSpan? Blocked(string address)
    {
        var now = clock.GetUtcNow();
        if (!_windows.TryGetValue(address, out var w) || now - w.Start >= Window)
            return null;
        return w.Count >= Math.Max(1, options.CurrentValue.FailedTokensPerMinute) ? w.Start + Window - now : null;
    }

    public void Failed(string address)
    {
        var now = clock.GetUtcNow();
        _windows.AddOrUpdate(address, _ => (now, 1), (_, w) => now - w.Start >= Window ? (now, 1) : (w.Start, w.Count + 1));
        if (_windows.Count > 10_000)
            foreach (var stale in _windows.Where(p => now - p.Value.Start >= Window).Select(p => p.Key).ToList())
                _windows.TryRemove(stale, out _);
    }
}

/// <summary>Problem-details answers written by hand (outside an endpoint), in the same shape as the exception handler's.</summary>
public static class ApiProblems
{
    public static Task WriteAsync(HttpContext http, int status, string title, string? detail, IDictionary<string, string>? errors = null)
    {
        if (http.Response.HasStarted)
            return Task.CompletedTask;
        http.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is not null)
            problem.Extensions["errors"] = errors;
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier;
        return http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }

    public static IResult Result(int status, string title, string? detail, IDictionary<string, string>? errors = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (errors is not null)
            problem.Extensions["errors"] = errors;
        return Results.Problem(problem);
    }
}

public static class ApiAccess
{
    public const string RatePolicy = "api";

    public static IServiceCollection AddApiTokens(this IServiceCollection services, AuthenticationBuilder auth, IConfiguration configuration)
    {
        services.Configure<ApiOptions>(configuration.GetSection(ApiOptions.Section));
        services.AddSingleton<ApiTokenFailures>();
        auth.AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, _ => { });
        auth.AddPolicyScheme(ApiTokenHandler.CookieOrToken, "A page's sign-in or an API token", o => o.ForwardDefaultSelector = http =>
            http.Request.Headers.Authorization.Count > 0 ? ApiTokenHandler.SchemeName : IdentityConstants.ApplicationScheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiTokenHandler.SchemeName, p => p.AddAuthenticationSchemes(ApiTokenHandler.SchemeName).RequireAuthenticatedUser());
        services.AddRateLimiter(o => o.AddPolicy(RatePolicy, http =>
        {
            var perMinute = Math.Max(1, http.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.RequestsPerMinute);
            var key = http.User.FindFirstValue(ApiTokenHandler.TokenIdClaim) ?? "address:" + (http.Connection.RemoteIpAddress?.ToString() ?? "local");
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
            });
        }));
        return services;
    }

    /// <summary>A refusal from the rate limiter on an API address: 429 with Retry-After and a problem body.</summary>
    public static Task TooManyAsync(HttpContext http, TimeSpan? retryAfter)
    {
        var seconds = (int)Math.Ceiling((retryAfter ?? TimeSpan.FromMinutes(1)).TotalSeconds);
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiProblems.WriteAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests.",
            $"This token made more calls than it may in a minute; try again in {seconds} s.");
    }

    /// <summary>
    /// Who calls: the token's user with their current rights (and the token in the audit source), or the person signed in
    /// on a page. Refused when the token lacks <paramref name="scope"/>.
    /// </summary>
    public static async Task<Actor> CallerAsync(HttpContext http, string scope)
    {
        if (ApiTokenHandler.CallerOf(http) is { } caller)
        {
            if (!caller.Scopes.Contains(scope))
                throw new Core.Common.DeskForbiddenException($"The token does not have the scope {scope}; make a token with {scope} to do this.");
            return caller.Actor;
        }

        var actors = http.RequestServices.GetRequiredService<ActorService>();
        return await CurrentActor.FromPrincipalAsync(http.User, actors, http.RequestAborted)
            with { Source = http.Connection.RemoteIpAddress?.ToString() };
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Core.Persistence;

namespace Portal.Api;

/// <summary>
/// /healthz: the process is alive (no check, for a supervisor restarting a hung process). /readyz: it can serve,
/// meaning its database answers (for a load balancer taking a node in or out); each check's result as JSON.
/// Both answer without signing in and say nothing but health.
/// </summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static void AddDeskHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<DatabaseCheck>("database", tags: [ReadyTag]).AddCheck<MailboxCheck>("mailboxes", tags: [ReadyTag]);

    public static void MapDeskHealthChecks(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).AllowAnonymous();
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description, ms = (int)e.Value.Duration.TotalMilliseconds }),
        }));
    }

    /// <summary>The database answers a query within the check's time.</summary>
    private sealed class DatabaseCheck(IDbContextFactory<DeskDbContext> dbFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                await db.Departments.AsNoTracking().AnyAsync(cancellationToken);
                return HealthCheckResult.Healthy("The database answers.");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"The database does not answer: {ex.GetType().Name}.");
            }
        }
    }

    /// <summary>Every active mailbox the desk reads worked at its last reading; a failing one makes the node degraded, not down (it still serves).</summary>
    private sealed class MailboxCheck(IDbContextFactory<DeskDbContext> dbFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var failing = await db.Mailboxes.AsNoTracking()
                    .Where(m => m.IsActive && m.Kind != Core.Departments.MailboxKind.Pipe && m.LastErrorAt != null && (m.LastSuccessAt == null || m.LastErrorAt > m.LastSuccessAt))
                    .Select(m => m.Address).ToListAsync(cancellationToken);
                return failing.Count == 0
                    ? HealthCheckResult.Healthy("Every mailbox read works.")
                    : HealthCheckResult.Degraded($"Cannot read {string.Join(", ", failing)} (Admin → Email says why).");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Degraded($"Could not look at the mailboxes: {ex.GetType().Name}.");
            }
        }
    }

    /// <summary>Redis answers a PING (checked only when Redis:Configuration is set).</summary>
    internal sealed class RedisCheck(StackExchange.Redis.IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var took = await redis.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy($"Redis answers ({took.TotalMilliseconds:F0} ms).");
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy($"Redis does not answer: {ex.GetType().Name}.");
            }
        }
    }
}

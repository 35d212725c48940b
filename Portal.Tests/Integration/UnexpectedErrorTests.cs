using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>An unexpected failure answers a problem-details 500 without its details, and an operator finds it in the log.</summary>
public sealed class UnexpectedErrorTests : IAsyncLifetime
{
    private readonly FailingPortal _portal = new();

    public Task InitializeAsync() => _portal.StartAsync();

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task AnUnexpectedException_IsLoggedWithItsRequestAndTraceId_AndAnswersA500WithoutItsDetails()
    {
        var response = await _portal.ClientFor(_portal.Org.ItAgent.Id).GetAsync("/api/test-failure");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("disk on fire", body);
        using var problem = JsonDocument.Parse(body);
        var traceId = problem.RootElement.GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(traceId));

        var logged = Assert.Single(_portal.Errors, e => e.Exception?.Message == "disk on fire");
        Assert.Contains("GET /api/test-failure", logged.Message);
        Assert.Contains(traceId!, logged.Message);
    }

    private sealed class FailingPortal : PortalFactory
    {
        public ConcurrentQueue<(string Message, Exception? Exception)> Errors { get; } = new();

        protected override void ConfigureServices(IServiceCollection services)
        {
            services.AddSingleton<ILoggerProvider>(new Collector(Errors));
            services.AddSingleton<IStartupFilter, FailingEndpoint>();
        }
    }

    /// <summary>A route that fails as a bug would, behind the app's own error handling.</summary>
    private sealed class FailingEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            // After the app's own pipeline (its exception handler included): reached by a path no endpoint serves.
            app.Run(ctx => ctx.Request.Path == "/api/test-failure"
                ? throw new InvalidOperationException("disk on fire")
                : Task.CompletedTask);
        };
    }

    private sealed class Collector(ConcurrentQueue<(string, Exception?)> errors) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
                errors.Enqueue((formatter(state, exception), exception));
        }

        public void Dispose()
        {
        }
    }
}

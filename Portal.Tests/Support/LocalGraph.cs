using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portal.Core.Mail;

namespace Portal.Tests.Support;

/// <summary>
/// A local HTTP server standing in for Microsoft Graph (the real service is out of reach here), answering as the test
/// says, with the token the tests hand the desk.
/// </summary>
public static class LocalGraph
{
    public const string Token = "graph-test-token";

    /// <summary>The token source the desk uses against the local server.</summary>
    public sealed class FixedToken : IGraphTokenSource
    {
        public Task<string> GetTokenAsync(CancellationToken ct) => Task.FromResult(Token);
    }

    /// <summary>Starts the server on a free loopback port; <c>Root</c> is its Graph base address (…/v1.0).</summary>
    public static async Task<(WebApplication App, string Root)> StartAsync(RequestDelegate answer)
    {
        var port = TestSmtpServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(answer);
        await app.StartAsync();
        return (app, $"http://127.0.0.1:{port}/v1.0");
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Core.Mail;
using Portal.Tests.Support;

namespace Portal.Tests.Mail;

/// <summary>A person's manager read from Microsoft Graph at sign-in, against a local server answering as Graph documents it.</summary>
public sealed class DirectoryManagersTests : IAsyncLifetime
{
    private const string Token = "graph-test-token";
    private WebApplication _graph = default!;
    private string _root = "";

    private sealed class FixedToken : IGraphTokenSource
    {
        public Task<string> GetTokenAsync(CancellationToken ct) => Task.FromResult(Token);
    }

    public async Task InitializeAsync()
    {
        var port = TestSmtpServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _graph = builder.Build();
        _graph.Run(async http =>
        {
            if (http.Request.Headers.Authorization != $"Bearer {Token}")
            {
                http.Response.StatusCode = 401;
                return;
            }

            switch (http.Request.Path.Value)
            {
                case "/v1.0/users/oid-with/manager":
                    await http.Response.WriteAsJsonAsync(new { id = "oid-boss", mail = "boss@corp.example", userPrincipalName = "boss@corp.onmicrosoft.com" });
                    break;
                case "/v1.0/users/oid-upn/manager":
                    await http.Response.WriteAsJsonAsync(new { id = "oid-boss2", mail = (string?)null, userPrincipalName = "boss2@corp.example" });
                    break;
                case "/v1.0/users/oid-none/manager":
                    http.Response.StatusCode = 404;
                    await http.Response.WriteAsJsonAsync(new { error = new { code = "Request_ResourceNotFound", message = "Resource 'manager' does not exist." } });
                    break;
                default:
                    http.Response.StatusCode = 503;
                    break;
            }
        });
        await _graph.StartAsync();
        _root = $"http://127.0.0.1:{port}/v1.0";
    }

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    private DirectoryManagers Managers(IGraphTokenSource tokens)
    {
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        return new DirectoryManagers(services.GetRequiredService<IHttpClientFactory>(), tokens,
            Microsoft.Extensions.Options.Options.Create(new GraphOptions { BaseUrl = _root }), NullLogger<DirectoryManagers>.Instance);
    }

    [Fact]
    public async Task TheManagersMail_OrTheirSignInName_NoneWhenGraphSaysSo_AndUnknownWhenItCannotAnswer()
    {
        var managers = Managers(new FixedToken());
        Assert.Equal("boss@corp.example", await managers.ManagerEmailAsync("oid-with"));
        Assert.Equal("boss2@corp.example", await managers.ManagerEmailAsync("oid-upn"));
        Assert.Equal("", await managers.ManagerEmailAsync("oid-none"));
        Assert.Null(await managers.ManagerEmailAsync("oid-down"));
        // Without the app's registration for Graph, nothing is asked.
        Assert.Null(await Managers(new NoGraphTokens()).ManagerEmailAsync("oid-with"));
    }
}

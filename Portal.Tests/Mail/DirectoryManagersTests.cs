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
    private const string Token = LocalGraph.Token;
    private WebApplication _graph = default!;
    private string _root = "";

    public async Task InitializeAsync()
    {
        (_graph, _root) = await LocalGraph.StartAsync(async http =>
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
        var managers = Managers(new LocalGraph.FixedToken());
        Assert.Equal("boss@corp.example", await managers.ManagerEmailAsync("oid-with"));
        Assert.Equal("boss2@corp.example", await managers.ManagerEmailAsync("oid-upn"));
        Assert.Equal("", await managers.ManagerEmailAsync("oid-none"));
        Assert.Null(await managers.ManagerEmailAsync("oid-down"));
        // Without the app's registration for Graph, nothing is asked.
        Assert.Null(await Managers(new NoGraphTokens()).ManagerEmailAsync("oid-with"));
    }
}

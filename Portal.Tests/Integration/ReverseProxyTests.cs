using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>Behind the proxy named in settings the desk sees the client's address and HTTPS; a header from anyone else is ignored.</summary>
public sealed class ReverseProxyTests : IAsyncLifetime
{
    private const string PeerHeader = "X-Test-Peer";
    private readonly BehindProxy _portal = new();

    public Task InitializeAsync() => _portal.StartAsync(seedOrg: false);

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task<string> SeenAsync(string peer)
    {
        var client = _portal.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/test/seen");
        request.Headers.Add(PeerHeader, peer);
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        request.Headers.Add("X-Forwarded-Proto", "https");
        var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task TheNamedProxy_IsBelieved() => Assert.Equal("203.0.113.7 https", await SeenAsync("10.0.0.5"));

    [Fact]
    public async Task AProxyInTheNamedNetwork_IsBelieved() => Assert.Equal("203.0.113.7 https", await SeenAsync("192.168.40.9"));

    [Fact]
    public async Task AnyoneElse_CannotClaimAnotherAddressOrHttps() => Assert.Equal("198.51.100.9 http", await SeenAsync("198.51.100.9"));

    [Fact]
    public void AMistypedProxy_StopsTheStart_NamingTheSetting()
    {
        using var portal = new BehindProxy("10.0.0.300");
        var ex = Assert.ThrowsAny<Exception>(() => portal.Services);
        Assert.Contains("ReverseProxy:KnownProxies:0", ex.ToString());
    }

    private sealed class BehindProxy(string proxy = "10.0.0.5") : PortalFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["ReverseProxy:KnownProxies:0"] = proxy,
            ["ReverseProxy:KnownNetworks:0"] = "192.168.40.0/24",
        };

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IStartupFilter, Peer>();
    }

    /// <summary>Plays the connection's far end (the test server has none), then answers what the app made of the request.</summary>
    private sealed class Peer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((ctx, go) =>
            {
                if (ctx.Request.Headers.TryGetValue(PeerHeader, out var peer))
                    ctx.Connection.RemoteIpAddress = IPAddress.Parse(peer.ToString());
                return go(ctx);
            });
            next(app);
            app.Run(ctx => ctx.Request.Path == "/test/seen"
                ? ctx.Response.WriteAsync($"{ctx.Connection.RemoteIpAddress} {ctx.Request.Scheme}")
                : Task.CompletedTask);
        };
    }
}

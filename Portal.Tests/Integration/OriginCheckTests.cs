using System.Net;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>The live connections open only from the desk's own pages (cross-site WebSocket hijacking).</summary>
public class OriginCheckTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    private async Task<HttpStatusCode> NegotiateAsync(string path, string? origin)
    {
        var client = fx.Factory.ClientFor(fx.Org.ItAgent.Id);
        using var request = new HttpRequestMessage(HttpMethod.Post, path + "/negotiate?negotiateVersion=1");
        if (origin is not null)
            request.Headers.Add("Origin", origin);
        return (await client.SendAsync(request)).StatusCode;
    }

    [Theory]
    [InlineData("/hubs/desk")]
    [InlineData("/_blazor")]
    public async Task AnotherSitesPage_CannotOpenALiveConnection(string path)
    {
        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync(path, "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await NegotiateAsync(path, "http://localhost.evil.example"));
    }

    [Theory]
    [InlineData("/hubs/desk")]
    [InlineData("/_blazor")]
    public async Task TheDesksOwnPages_AndClientsWithoutAnOrigin_Connect(string path)
    {
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(path, "http://localhost"));
        Assert.Equal(HttpStatusCode.OK, await NegotiateAsync(path, null));
    }
}

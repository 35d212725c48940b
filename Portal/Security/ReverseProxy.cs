using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Portal.Security;

/// <summary>The proxies in front of the desk whose forwarded headers it believes (section <c>ReverseProxy</c>).</summary>
public sealed class ReverseProxyOptions
{
    public const string Section = "ReverseProxy";

    /// <summary>Addresses of the proxies, such as <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies sit in, in CIDR notation, such as <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// Behind a reverse proxy the desk sees the proxy's address and plain HTTP. With the proxy named in settings it takes
/// the client's address and the scheme from <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>: sign-in cookies are
/// marked <c>Secure</c>, HSTS is sent in Production, and the audit trail records the client's address. A header from
/// anyone not named is ignored, so a client cannot claim another address. Loopback is always trusted (a proxy on the
/// same machine).
/// </summary>
public static class ReverseProxy
{
    public static void AddDeskReverseProxy(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(ReverseProxyOptions.Section).Get<ReverseProxyOptions>() ?? new ReverseProxyOptions();
        var proxies = settings.KnownProxies.Select((text, i) => IPAddress.TryParse(text, out var ip) ? ip
            : throw new InvalidOperationException($"{ReverseProxyOptions.Section}:KnownProxies:{i}: \"{text}\" is not an IP address.")).ToList();
        var networks = settings.KnownNetworks.Select((text, i) => System.Net.IPNetwork.TryParse(text, out var network) ? network
            : throw new InvalidOperationException($"{ReverseProxyOptions.Section}:KnownNetworks:{i}: \"{text}\" is not a network such as 10.0.0.0/24.")).ToList();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            foreach (var ip in proxies)
                o.KnownProxies.Add(ip);
            foreach (var network in networks)
                o.KnownIPNetworks.Add(network);
        });
    }
}

using Microsoft.Identity.Client;
using Portal.Core.Mail;

namespace Portal.Security;

/// <summary>
/// Microsoft Graph tokens for the app itself (client credentials) from the same Entra ID registration as sign-in
/// (<c>AzureAd</c>: Instance, TenantId, ClientId, ClientSecret); MSAL keeps a token until shortly before it expires.
/// The registration needs the application permission Mail.ReadWrite (limited to the desk's mailboxes with an
/// application access policy).
/// </summary>
public sealed class GraphTokens(IConfiguration configuration) : IGraphTokenSource
{
    private static readonly string[] Scopes = ["https://graph.microsoft.com/.default"];
    private readonly Lazy<IConfidentialClientApplication> _app = new(() =>
    {
        var entra = configuration.GetSection("AzureAd");
        var instance = (entra["Instance"] ?? "https://login.microsoftonline.com/").TrimEnd('/');
        return ConfidentialClientApplicationBuilder.Create(entra["ClientId"])
            .WithClientSecret(entra["ClientSecret"])
            .WithAuthority($"{instance}/{entra["TenantId"]}")
            .Build();
    });

    public async Task<string> GetTokenAsync(CancellationToken ct)
    {
        try
        {
            return (await _app.Value.AcquireTokenForClient(Scopes).ExecuteAsync(ct)).AccessToken;
        }
        catch (MsalException ex)
        {
            throw new GraphException($"Entra ID gave no token for Microsoft Graph ({ex.ErrorCode}): {ex.Message}");
        }
    }
}

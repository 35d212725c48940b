using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portal.Core.Mail;

/// <summary>
/// A person's manager as Entra ID knows it, through Microsoft Graph (<c>GET /users/{id}/manager</c>) with the app's own
/// registration (application permission User.Read.All), read at each Entra ID sign-in so approvals by "the requester's
/// manager" follow the directory. Without Graph configured, or when Graph cannot answer, the desk keeps the manager its
/// admins set.
/// </summary>
public sealed class DirectoryManagers(IHttpClientFactory http, IGraphTokenSource tokens, IOptions<GraphOptions> options, ILogger<DirectoryManagers> log)
{
    /// <summary>The manager's email; "" when the directory says the person has none; null when it is not known.</summary>
    public async Task<string?> ManagerEmailAsync(string objectId, CancellationToken ct = default)
    {
        if (tokens is NoGraphTokens)
            return null;
        try
        {
            using var client = http.CreateClient(GraphReader.ClientName);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(ct));
            var url = $"{options.Value.BaseUrl.TrimEnd('/')}/users/{Uri.EscapeDataString(objectId)}/manager?$select=mail,userPrincipalName";
            using var response = await client.GetAsync(url, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return "";
            if (!response.IsSuccessStatusCode)
            {
                log.LogWarning("Microsoft Graph answered {Status} for the manager of {ObjectId}; the desk keeps the manager it has", (int)response.StatusCode, objectId);
                return null;
            }

            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            var root = body.RootElement;
            return (root.TryGetProperty("mail", out var mail) && mail.GetString() is { Length: > 0 } m ? m
                : root.TryGetProperty("userPrincipalName", out var upn) ? upn.GetString() : null) ?? "";
        }
        catch (Exception ex) when (ex is HttpRequestException or GraphException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Could not read the manager of {ObjectId} from Microsoft Graph; the desk keeps the manager it has", objectId);
            return null;
        }
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Departments;
using Portal.Core.Persistence;

namespace Portal.Core.Mail;

/// <summary>An access token for Microsoft Graph with the app's own rights (client credentials); the web app gets it from Entra ID.</summary>
public interface IGraphTokenSource
{
    Task<string> GetTokenAsync(CancellationToken ct);
}

/// <summary>Settings of Microsoft Graph (<c>Mail:Graph</c>); the app registration itself is <c>AzureAd</c>.</summary>
public sealed class GraphOptions
{
    public const string Section = "Mail:Graph";

    public string BaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";
}

/// <summary>
/// Reads a Microsoft 365 mailbox through Microsoft Graph's mail API with the app's Entra ID registration: the messages of
/// the folder (unread ones when processed mail is only marked), each one's MIME content through the intake, then moved to
/// the processed folder or marked read, only after the intake committed (so a crash reads it again, as a duplicate).
/// Four documented calls: list messages, get <c>$value</c>, move, and mark read.
/// </summary>
public sealed class GraphReader(IHttpClientFactory http, IGraphTokenSource tokens, IOptions<GraphOptions> options, MailIntake intake,
    IDbContextFactory<DeskDbContext> dbFactory, TimeProvider clock, ILogger<GraphReader> log)
{
    public const string ClientName = "graph";

    public async Task<MailboxRead> ReadAsync(Mailbox mailbox, CancellationToken ct = default)
    {
        try
        {
            using var client = http.CreateClient(ClientName);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(ct));
            var user = Uri.EscapeDataString(mailbox.UserName ?? "");
            var root = options.Value.BaseUrl.TrimEnd('/');
            var folder = string.Equals(mailbox.Folder, "INBOX", StringComparison.OrdinalIgnoreCase) ? "inbox" : Uri.EscapeDataString(mailbox.Folder);
            var target = mailbox.ProcessedFolder is { Length: > 0 } name ? await FolderIdAsync(client, root, user, name, ct) : null;
            var filter = target is null ? "&$filter=isRead%20eq%20false" : "";
            var next = $"{root}/users/{user}/mailFolders/{folder}/messages?$select=id&$orderby=receivedDateTime&$top=50{filter}";
            var ids = new List<string>();
            while (next is not null)
            {
                using var page = await JsonAsync(client, HttpMethod.Get, next, null, ct);
                ids.AddRange(page.RootElement.GetProperty("value").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
                next = page.RootElement.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
            }

            var results = new List<MailResult>();
            foreach (var id in ids)
            {
                var message = $"{root}/users/{user}/messages/{Uri.EscapeDataString(id)}";
                using var content = await SendAsync(client, HttpMethod.Get, message + "/$value", null, ct);
                var raw = await content.Content.ReadAsByteArrayAsync(ct);
                results.Add(await intake.TakeFromMailboxAsync(raw, mailbox, ct));
                // Only now, after the intake committed, is the message moved or marked.
                if (target is not null)
                    (await SendAsync(client, HttpMethod.Post, message + "/move", new { destinationId = target }, ct)).Dispose();
                else
                    (await SendAsync(client, HttpMethod.Patch, message, new { isRead = true }, ct)).Dispose();
            }

            await RecordAsync(mailbox.Id, null, ct);
            return new MailboxRead(results.Count, results, Idled: false);
        }
        catch (Exception ex) when (ex is HttpRequestException or GraphException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var message = ex is GraphException ? ex.Message : $"Microsoft Graph could not be reached for {mailbox.UserName}: {ex.Message}";
            log.LogWarning(ex, "Could not read the mailbox {Address} through Microsoft Graph: {Problem}", mailbox.Address, message);
            await RecordAsync(mailbox.Id, message, CancellationToken.None);
            throw new MailboxUnavailableException(message, ex);
        }
    }

    /// <summary>The processed folder's id, made under the mailbox's top level when it is not there.</summary>
    private static async Task<string> FolderIdAsync(HttpClient client, string root, string user, string name, CancellationToken ct)
    {
        var escaped = name.Replace("'", "''", StringComparison.Ordinal);
        using var found = await JsonAsync(client, HttpMethod.Get,
            $"{root}/users/{user}/mailFolders?$select=id,displayName&$filter=displayName%20eq%20'{Uri.EscapeDataString(escaped)}'", null, ct);
        if (found.RootElement.GetProperty("value").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } folder)
            return folder.GetProperty("id").GetString()!;
        using var made = await JsonAsync(client, HttpMethod.Post, $"{root}/users/{user}/mailFolders", new { displayName = name }, ct);
        return made.RootElement.GetProperty("id").GetString()!;
    }

    private static async Task<JsonDocument> JsonAsync(HttpClient client, HttpMethod method, string url, object? body, CancellationToken ct)
    {
        using var response = await SendAsync(client, method, url, body, ct);
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
    }

    /// <summary>One call; Graph's error (its code and message) becomes a sentence an admin can act on.</summary>
    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        var response = await client.SendAsync(request, ct);
        if (response.IsSuccessStatusCode)
            return response;
        var text = await response.Content.ReadAsStringAsync(ct);
        response.Dispose();
        string? code = null, message = null;
        try
        {
            using var error = JsonDocument.Parse(text);
            if (error.RootElement.TryGetProperty("error", out var e))
                (code, message) = (e.TryGetProperty("code", out var c) ? c.GetString() : null, e.TryGetProperty("message", out var m) ? m.GetString() : null);
        }
        catch (JsonException)
        {
            // Not Graph's error shape: the status says enough.
        }

        throw new GraphException($"Microsoft Graph answered {(int)response.StatusCode} {code ?? response.ReasonPhrase}: {(message ?? "no details").TrimEnd('.')}.");
    }

    private Task RecordAsync(int mailboxId, string? error, CancellationToken ct) =>
        MailboxState.RecordAsync(dbFactory, clock.GetUtcNow().UtcDateTime, mailboxId, error, ct);
}

/// <summary>Microsoft Graph refused a call, in words.</summary>
public sealed class GraphException(string message) : Exception(message);

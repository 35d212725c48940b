using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Departments;
using Portal.Core.Mail;
using Portal.Tests.Support;

namespace Portal.Tests.Mail;

/// <summary>
/// A Microsoft 365 mailbox read through Microsoft Graph, against a local server that answers with Graph's documented
/// shapes (the real service is out of reach here): list (with paging), $value, move, mark read, and Graph's errors.
/// </summary>
public sealed class GraphReaderTests : IAsyncLifetime
{
    private const string Token = LocalGraph.Token;
    private const string User = "it-help@test.example";
    private readonly ConcurrentDictionary<string, (byte[] Raw, string Folder, bool IsRead)> _messages = new();
    private readonly ConcurrentDictionary<string, string> _folders = new(); // id → display name
    private readonly ConcurrentQueue<string> _calls = new();
    private WebApplication _graph = default!;
    private TestDatabase _db = default!;
    private Mailbox _mailbox = default!;
    private string? _refuseWith;

    public async Task InitializeAsync()
    {
        (_graph, var root) = await LocalGraph.StartAsync(AnswerAsync);
        _db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?> { ["Mail:Graph:BaseUrl"] = root });
        await using var db = _db.NewContext();
        _mailbox = db.Mailboxes.Add(new Mailbox
        {
            DepartmentId = _db.Org.It.Id, Address = "it-help@test.example", Kind = MailboxKind.Graph, UserName = User, ProcessedFolder = "InternalDesk",
        }).Entity;
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        await _graph.DisposeAsync();
    }

    private GraphReader Reader()
    {
        var services = _db.Services;
        return new GraphReader(services.GetRequiredService<IHttpClientFactory>(), new LocalGraph.FixedToken(),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GraphOptions>>(), services.GetRequiredService<MailIntake>(),
            services.GetRequiredService<IDbContextFactory<Portal.Core.Persistence.DeskDbContext>>(), _db.Clock,
            services.GetRequiredService<ILogger<GraphReader>>());
    }

    /// <summary>The part of Graph's mail API the reader uses, as documented: JSON bodies, OData paging, error objects.</summary>
    private async Task AnswerAsync(HttpContext http)
    {
        var path = http.Request.Path.Value!;
        _calls.Enqueue($"{http.Request.Method} {path}{http.Request.QueryString}");
        if (http.Request.Headers.Authorization != $"Bearer {Token}" || _refuseWith is not null)
        {
            http.Response.StatusCode = 401;
            await http.Response.WriteAsJsonAsync(new { error = new { code = _refuseWith ?? "InvalidAuthenticationToken", message = "Access token is empty." } });
            return;
        }

        var users = $"/v1.0/users/{User}"; // the path as the server reads it, unescaped
        if (!path.StartsWith(users, StringComparison.Ordinal))
        {
            http.Response.StatusCode = 404;
            await http.Response.WriteAsJsonAsync(new { error = new { code = "ErrorInvalidUser", message = "The requested user is invalid." } });
            return;
        }

        var rest = path[users.Length..];
        if (rest == "/mailFolders" && http.Request.Method == "GET")
        {
            var name = Regex.Match(Uri.UnescapeDataString(http.Request.QueryString.Value ?? ""), "displayName eq '([^']*)'").Groups[1].Value;
            await http.Response.WriteAsJsonAsync(new { value = _folders.Where(f => f.Value == name).Select(f => new { id = f.Key, displayName = f.Value }) });
        }
        else if (rest == "/mailFolders" && http.Request.Method == "POST")
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            var id = "AAMkFolder" + _folders.Count;
            _folders[id] = body!["displayName"]!.GetValue<string>();
            http.Response.StatusCode = 201;
            await http.Response.WriteAsJsonAsync(new { id, displayName = _folders[id] });
        }
        else if (Regex.Match(rest, "^/mailFolders/([^/]+)/messages$") is { Success: true } list)
        {
            // One message a page, to follow @odata.nextLink as Graph's paging asks.
            var unreadOnly = (http.Request.Query["$filter"].ToString()).Contains("isRead eq false", StringComparison.Ordinal);
            var skip = int.TryParse(http.Request.Query["$skip"], out var s) ? s : 0;
            var all = _messages.Where(m => m.Value.Folder == list.Groups[1].Value && (!unreadOnly || !m.Value.IsRead)).OrderBy(m => m.Key).ToList();
            var next = skip + 1 < all.Count ? $"http://{http.Request.Host}{path}{http.Request.QueryString}&$skip={skip + 1}" : null;
            var page = new JsonObject { ["value"] = new JsonArray(all.Skip(skip).Take(1).Select(m => (JsonNode)new JsonObject { ["id"] = m.Key }).ToArray()) };
            if (next is not null)
                page["@odata.nextLink"] = next;
            await http.Response.WriteAsJsonAsync(page);
        }
        else if (Regex.Match(rest, "^/messages/([^/]+)/\\$value$") is { Success: true } value && _messages.TryGetValue(value.Groups[1].Value, out var raw))
        {
            http.Response.ContentType = "text/plain";
            await http.Response.Body.WriteAsync(raw.Raw);
        }
        else if (Regex.Match(rest, "^/messages/([^/]+)/move$") is { Success: true } move && _messages.TryGetValue(move.Groups[1].Value, out var moving))
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            _messages[move.Groups[1].Value] = moving with { Folder = body!["destinationId"]!.GetValue<string>() };
            http.Response.StatusCode = 201;
            await http.Response.WriteAsJsonAsync(new { id = move.Groups[1].Value });
        }
        else if (Regex.Match(rest, "^/messages/([^/]+)$") is { Success: true } patch && http.Request.Method == "PATCH" && _messages.TryGetValue(patch.Groups[1].Value, out var marking))
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            _messages[patch.Groups[1].Value] = marking with { IsRead = body!["isRead"]!.GetValue<bool>() };
            await http.Response.WriteAsJsonAsync(new { id = patch.Groups[1].Value });
        }
        else
        {
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(new { error = new { code = "BadRequest", message = $"Unsupported: {http.Request.Method} {rest}" } });
        }
    }

    private void Deliver(string id, string subject) =>
        _messages[id] = (MailIntakeTests.Mail(_db.Org.Requester.Email!, "it-help@test.example", subject, "Sent to the Microsoft 365 mailbox."), "inbox", false);

    [Fact]
    public async Task MessagesOfTheInbox_AreTakenIn_PageByPage_AndMovedToTheProcessedFolder()
    {
        Deliver("AAMkMsg1", "Teams keeps crashing");
        Deliver("AAMkMsg2", "Shared calendar missing");
        var read = await Reader().ReadAsync(_mailbox);
        Assert.Equal([MailOutcome.Created, MailOutcome.Created], read.Results.Select(r => r.Outcome));
        var processed = Assert.Single(_folders, f => f.Value == "InternalDesk").Key;
        Assert.All(_messages.Values, m => Assert.Equal(processed, m.Folder));
        Assert.Contains(_calls, c => c.Contains("$skip=1", StringComparison.Ordinal)); // the second page was followed
        await using var db = _db.NewContext();
        Assert.Equal(2, await db.Tickets.CountAsync(t => t.Title == "Teams keeps crashing" || t.Title == "Shared calendar missing"));
        Assert.NotNull((await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == _mailbox.Id)).LastSuccessAt);
        Assert.Empty((await Reader().ReadAsync(_mailbox)).Results);
    }

    [Fact]
    public async Task WithoutAProcessedFolder_MessagesAreMarkedRead_AndNotTakenTwice()
    {
        _mailbox.ProcessedFolder = null;
        Deliver("AAMkMsg3", "Laptop bag strap broke");
        Assert.Single((await Reader().ReadAsync(_mailbox)).Results);
        Assert.True(_messages["AAMkMsg3"].IsRead);
        Assert.Empty((await Reader().ReadAsync(_mailbox)).Results);
        Assert.Empty(_folders);
    }

    [Fact]
    public async Task GraphsRefusal_IsSaidPlainly_OnTheMailbox()
    {
        _refuseWith = "InvalidAuthenticationToken";
        var refused = await Assert.ThrowsAsync<MailboxUnavailableException>(() => Reader().ReadAsync(_mailbox));
        Assert.Equal("Microsoft Graph answered 401 InvalidAuthenticationToken: Access token is empty.", refused.Message);
        await using var db = _db.NewContext();
        Assert.StartsWith("Microsoft Graph answered 401", (await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == _mailbox.Id)).LastError);
    }

    [Fact]
    public async Task WithoutTheAppsRegistration_AGraphMailboxSaysWhatToSet()
    {
        var refused = await Assert.ThrowsAsync<MailboxUnavailableException>(() => _db.Get<GraphReader>().ReadAsync(_mailbox));
        Assert.Contains("set AzureAd:TenantId, AzureAd:ClientId and AzureAd:ClientSecret", refused.Message);
    }
}

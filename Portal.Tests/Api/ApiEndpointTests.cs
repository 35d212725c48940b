using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Admin;
using Portal.Core.Users;
using Portal.Tests.Integration;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>The API's other endpoints over HTTP: replies and notes, files, watchers, history, assets with If-Match, people, order.</summary>
public sealed class ApiEndpointTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    private async Task<HttpClient> ClientAsync(DeskUser user, params string[] scopes)
    {
        var made = await fx.Factory.Services.GetRequiredService<ApiTokenService>().CreateAsync(fx.Org.ActorFor(user), user.Id, "endpoints",
            scopes.Length == 0 ? [ApiScopes.TicketsRead, ApiScopes.TicketsWrite] : scopes, null);
        var client = fx.Factory.ClientFor(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Secret);
        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private async Task<string> KeyAsync(int ticketId) =>
        (await fx.Factory.Services.GetRequiredService<Portal.Core.Handling.TicketQueries>().GetAsync(fx.Org.ActorFor(fx.Org.Admin), ticketId)).Key;

    [Fact]
    public async Task RepliesNotesAndHistory_FollowWhoMaySeeWhat()
    {
        var key = await KeyAsync(fx.ItTicketId);
        var agent = await ClientAsync(fx.Org.ItAgent);
        var rita = await ClientAsync(fx.Org.Requester);
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsJsonAsync($"/api/v1/tickets/{key}/notes", new { body = "Battery swollen, order a new one." })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsJsonAsync($"/api/v1/tickets/{key}/replies", new { body = "A new battery is on its way." })).StatusCode);
        // A requester cannot write internal notes, and an empty reply is refused naming its field.
        Assert.Equal(HttpStatusCode.Forbidden, (await rita.PostAsJsonAsync($"/api/v1/tickets/{key}/notes", new { body = "Let me in" })).StatusCode);
        var empty = await rita.PostAsJsonAsync($"/api/v1/tickets/{key}/replies", new { body = "" });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("body", (await JsonAsync(empty)).GetProperty("errors").EnumerateObject().Select(p => p.Name.ToLowerInvariant()));

        var staffHistory = await JsonAsync(await agent.GetAsync($"/api/v1/tickets/{key}/history"));
        var ritaHistory = await JsonAsync(await rita.GetAsync($"/api/v1/tickets/{key}/history"));
        Assert.Contains(staffHistory.EnumerateArray(), e => e.GetProperty("body").GetString() == "Battery swollen, order a new one.");
        Assert.DoesNotContain(ritaHistory.EnumerateArray(), e => e.GetProperty("body").GetString() == "Battery swollen, order a new one.");
        Assert.Contains(ritaHistory.EnumerateArray(), e => e.GetProperty("body").GetString() == "A new battery is on its way.");
    }

    [Fact]
    public async Task Attachments_GoUpAndDown_InternalOnesStayWithStaff()
    {
        var key = await KeyAsync(fx.ItTicketId);
        var agent = await ClientAsync(fx.Org.ItAgent);
        var rita = await ClientAsync(fx.Org.Requester);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent("serial: ABC123"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } }, "files", "serial.txt" },
            { new StringContent("true"), "internal" },
        };
        var uploaded = await agent.PostAsync($"/api/v1/tickets/{key}/attachments", form);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var history = await JsonAsync(await agent.GetAsync($"/api/v1/tickets/{key}/history"));
        var file = history.EnumerateArray().SelectMany(e => e.GetProperty("attachments").EnumerateArray()).Single(a => a.GetProperty("fileName").GetString() == "serial.txt");
        var id = file.GetProperty("id").GetInt32();

        var download = await agent.GetAsync($"/api/v1/tickets/{key}/attachments/{id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("serial: ABC123", await download.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/api/v1/tickets/{key}/attachments/{id}")).StatusCode);

        // A file of a kind the desk refuses is a 400 naming files, never a 500.
        using var bad = new MultipartFormDataContent { { new ByteArrayContent([0x4d, 0x5a]), "files", "setup.exe" } };
        var refused = await agent.PostAsync($"/api/v1/tickets/{key}/attachments", bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await JsonAsync(refused)).GetProperty("errors").TryGetProperty("files", out _));
    }

    [Fact]
    public async Task ABodyOverTheLimit_Is413_BeforeItIsRead()
    {
        var agent = await ClientAsync(fx.Org.ItAgent);
        var huge = new StringContent("{\"body\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", System.Text.Encoding.UTF8, "application/json");
        var refused = await agent.PostAsync($"/api/v1/tickets/{await KeyAsync(fx.ItTicketId)}/replies", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains("1,024 KB", (await JsonAsync(refused)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Watchers_AreAddedByEmailAndRemoved()
    {
        var key = await KeyAsync(fx.ItTicketId);
        var agent = await ClientAsync(fx.Org.ItAgent);
        var added = await agent.PostAsJsonAsync($"/api/v1/tickets/{key}/watchers", new { email = fx.Org.ItSupervisor.Email });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains((await JsonAsync(added)).GetProperty("watchers").EnumerateArray(), w => w.GetProperty("id").GetString() == fx.Org.ItSupervisor.Id);
        var removed = await agent.DeleteAsync($"/api/v1/tickets/{key}/watchers/{fx.Org.ItSupervisor.Id}");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.DoesNotContain((await JsonAsync(removed)).GetProperty("watchers").EnumerateArray(), w => w.GetProperty("id").GetString() == fx.Org.ItSupervisor.Id);
        // Someone the desk does not know is a 400 naming the field.
        var unknown = await agent.PostAsJsonAsync($"/api/v1/tickets/{key}/watchers", new { email = "nobody@nowhere.example" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains((await JsonAsync(unknown)).GetProperty("errors").EnumerateObject(), e => e.Name.Contains("email", StringComparison.OrdinalIgnoreCase) || e.Name == "userId");
    }

    [Fact]
    public async Task Assets_AreReadAndChangedWithIfMatch()
    {
        var reader = await ClientAsync(fx.Org.ItAgent, ApiScopes.AssetsRead);
        var writer = await ClientAsync(fx.Org.ItAgent, ApiScopes.AssetsRead, ApiScopes.AssetsWrite);
        var read = await reader.GetAsync($"/api/v1/assets/{fx.AssetId}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var asset = await JsonAsync(read);
        var etag = read.Headers.ETag!.Tag;
        var input = new
        {
            tag = asset.GetProperty("tag").GetString(), name = "Rita's ThinkPad X1", typeId = asset.GetProperty("typeId").GetInt32(),
            departmentId = fx.Org.It.Id, status = "InUse", site = "London",
        };
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PutAsJsonAsync($"/api/v1/assets/{fx.AssetId}", input)).StatusCode);
        Assert.Equal((HttpStatusCode)428, (await writer.PutAsJsonAsync($"/api/v1/assets/{fx.AssetId}", input)).StatusCode);

        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/assets/{fx.AssetId}") { Content = JsonContent.Create(input) };
        put.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        var saved = await writer.SendAsync(put);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("Rita's ThinkPad X1", (await JsonAsync(saved)).GetProperty("name").GetString());

        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/assets/{fx.AssetId}") { Content = JsonContent.Create(input with { name = "Old name" }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await writer.SendAsync(stale)).StatusCode);

        var list = await JsonAsync(await reader.GetAsync("/api/v1/assets?text=ThinkPad"));
        Assert.Contains("ThinkPad X1", list.ToString());
    }

    [Fact]
    public async Task People_AreForStaff_AndOrderNewestReversesTheList()
    {
        var agent = await ClientAsync(fx.Org.ItAgent);
        var found = await agent.GetAsync($"/api/v1/users?email={Uri.EscapeDataString(fx.Org.Requester.Email!)}");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal(fx.Org.Requester.DisplayName, (await JsonAsync(found)).GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await (await ClientAsync(fx.Org.Requester)).GetAsync($"/api/v1/users?email={fx.Org.ItAgent.Email}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/v1/users?email=nobody@nowhere.example")).StatusCode);

        var admin = await ClientAsync(fx.Org.Admin);
        var oldest = (await JsonAsync(await admin.GetAsync("/api/v1/tickets?limit=100"))).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToList();
        var newest = (await JsonAsync(await admin.GetAsync("/api/v1/tickets?limit=100&order=newest"))).GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToList();
        Assert.True(oldest.Count >= 2);
        Assert.Equal(oldest.AsEnumerable().Reverse(), newest);
        var bad = await admin.GetAsync("/api/v1/tickets?status=Sleeping");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("Sleeping", (await JsonAsync(bad)).GetProperty("errors").GetProperty("status").GetString());
    }
}

/// <summary>The portal with tight API limits, to see them answer 429.</summary>
public sealed class TightLimitsPortal : StartedPortal
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Api:RequestsPerMinute"] = "3",
        ["Api:FailedTokensPerMinute"] = "2",
    };
}

/// <summary>Rate limits: per token for calls, per address for bad tokens; 429 with Retry-After and a problem body.</summary>
public sealed class ApiRateLimitTests(TightLimitsPortal portal) : IClassFixture<TightLimitsPortal>
{
    private async Task<HttpClient> ClientAsync(DeskUser user)
    {
        var made = await portal.Services.GetRequiredService<ApiTokenService>().CreateAsync(portal.Org.ActorFor(user), user.Id, "limits",
            [ApiScopes.TicketsRead], null);
        var client = portal.ClientFor(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Secret);
        return client;
    }

    [Fact]
    public async Task ATokenOverItsLimit_Gets429WithRetryAfter_WhileAnotherTokenGoesOn()
    {
        var busy = await ClientAsync(portal.Org.ItAgent);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/api/v1/tickets")).StatusCode);
        var refused = await busy.GetAsync("/api/v1/tickets");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);

        var other = await ClientAsync(portal.Org.HrAgent);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/tickets")).StatusCode);
    }

}

/// <summary>Bad tokens from one address are cut off (its own portal: the cut-off holds for the address's other calls too).</summary>
public sealed class ApiBadTokenLimitTests(TightLimitsPortal portal) : IClassFixture<TightLimitsPortal>
{
    [Fact]
    public async Task BadTokensFromOneAddress_AreCutOff()
    {
        var guesser = portal.ClientFor(null);
        guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "idk_guess");
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            answers.Add((await guesser.GetAsync("/api/v1/tickets")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, answers[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
    }
}

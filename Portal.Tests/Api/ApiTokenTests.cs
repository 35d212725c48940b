using Portal.Core.Admin;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Persistence;
using Portal.Core.Users;
using Portal.Tests.Integration;
using Portal.Tests.Support;

namespace Portal.Tests.Api;

/// <summary>The API over real HTTP: who a token lets in, what it lets them do, and the same rules as the pages.</summary>
public sealed class ApiTokenTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    private ApiTokenService Tokens => fx.Factory.Services.GetRequiredService<ApiTokenService>();

    private async Task<(HttpClient Client, NewApiToken Token)> ClientAsync(DeskUser user, params string[] scopes)
    {
        var made = await Tokens.CreateAsync(fx.Org.ActorFor(user), user.Id, "test", scopes.Length == 0 ? [ApiScopes.TicketsRead, ApiScopes.TicketsWrite] : scopes, null);
        return (WithToken(made.Secret), made);
    }

    private HttpClient WithToken(string secret)
    {
        var client = fx.Factory.ClientFor(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task NoToken_Answers401_WithWwwAuthenticateAndProblemDetails()
    {
        var response = await fx.Factory.ClientFor(null).GetAsync("/api/v1/tickets");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(401, (await JsonAsync(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task UnknownRevokedExpiredAndDeactivatedTokens_Answer401_SayingWhy()
    {
        Assert.Contains("not known", await RefusalAsync(WithToken("idk_made-up")));

        var (revoked, token) = await ClientAsync(fx.Org.ItAgent);
        Assert.Equal(HttpStatusCode.OK, (await revoked.GetAsync("/api/v1/tickets")).StatusCode);
        await Tokens.RevokeAsync(fx.Org.ActorFor(fx.Org.ItAgent), token.Token.Id);
        Assert.Contains("revoked", await RefusalAsync(revoked));

        var (expired, old) = await ClientAsync(fx.Org.ItAgent);
        await using (var db = await fx.Factory.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
            await db.ApiTokens.Where(t => t.Id == old.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        Assert.Contains("expired", await RefusalAsync(expired));

        // A token made while the account was active stops working when it is deactivated.
        const string secret = "idk_deactivated-account-token";
        await using (var db = await fx.Factory.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
        {
            db.ApiTokens.Add(new ApiToken
            {
                UserId = fx.Org.Deactivated.Id, Name = "old", Scopes = ApiScopes.TicketsRead, Hash = ApiTokenService.HashOf(secret), Prefix = secret[..10],
                CreatedById = fx.Org.Deactivated.Id, CreatedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddDays(1),
            });
            await db.SaveChangesAsync();
        }

        Assert.Contains("deactivated", await RefusalAsync(WithToken(secret)));
    }

    private static async Task<string> RefusalAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/tickets");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        return (await JsonAsync(response)).GetProperty("detail").GetString()!;
    }

    [Fact]
    public async Task AScopeTheTokenLacks_Answers403_NamingIt()
    {
        var (client, _) = await ClientAsync(fx.Org.ItAgent, ApiScopes.TicketsRead);
        var response = await client.PostAsJsonAsync($"/api/v1/tickets/{fx.ItTicketId}/notes", new { body = "a note" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(ApiScopes.TicketsWrite, (await JsonAsync(response)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/reports/export.csv?measure=Created")).StatusCode);
    }

    [Fact]
    public async Task AToken_NeverGrantsMoreThanItsUser()
    {
        var (rita, _) = await ClientAsync(fx.Org.Requester);
        var mine = await JsonAsync(await rita.GetAsync("/api/v1/tickets?limit=100"));
        Assert.All(mine.GetProperty("items").EnumerateArray(), t => Assert.Equal(fx.Org.Requester.DisplayName, t.GetProperty("requester").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await rita.GetAsync($"/api/v1/tickets/{fx.HrTicketId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rita.PostAsJsonAsync($"/api/v1/tickets/{fx.ItTicketId}/notes", new { body = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rita.GetAsync("/api/v1/users?email=otto@example.org")).StatusCode);

        var (hr, _) = await ClientAsync(fx.Org.HrAgent);
        Assert.Equal(HttpStatusCode.NotFound, (await hr.GetAsync($"/api/v1/tickets/{fx.ItTicketId}")).StatusCode);
        var hrList = await JsonAsync(await hr.GetAsync("/api/v1/tickets?limit=100"));
        Assert.DoesNotContain(hrList.GetProperty("items").EnumerateArray(), t => t.GetProperty("departmentId").GetInt32() == fx.Org.It.Id);

        // The requester's view leaves out internal notes: an agent's note does not reach her history.
        var (agent, _) = await ClientAsync(fx.Org.ItAgent);
        Assert.Equal(HttpStatusCode.OK, (await agent.PostAsJsonAsync($"/api/v1/tickets/{fx.ItTicketId}/notes", new { body = "internal only 42" })).StatusCode);
        Assert.Contains("internal only 42", await agent.GetStringAsync($"/api/v1/tickets/{fx.ItTicketId}/history"));
        Assert.DoesNotContain("internal only 42", await rita.GetStringAsync($"/api/v1/tickets/{fx.ItTicketId}/history"));
    }

    [Fact]
    public async Task Patch_NeedsTheETag_AndRefusesAStaleOne()
    {
        var (agent, _) = await ClientAsync(fx.Org.ItAgent);
        var read = await agent.GetAsync($"/api/v1/tickets/{fx.ItTicketId}");
        var key = (await JsonAsync(read)).GetProperty("key").GetString();
        var etag = read.Headers.ETag!.Tag;

        var without = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{key}") { Content = JsonContent.Create(new { priority = "High" }) };
        Assert.Equal((HttpStatusCode)428, (await agent.SendAsync(without)).StatusCode);

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{key!.ToLowerInvariant()}") { Content = JsonContent.Create(new { priority = "High", assigneeId = "me" }) };
        patch.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        var changed = await agent.SendAsync(patch);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await JsonAsync(changed);
        Assert.Equal("High", body.GetProperty("priority").GetString());
        Assert.Equal(fx.Org.ItAgent.Id, body.GetProperty("assignee").GetProperty("id").GetString());
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);

        var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{key}") { Content = JsonContent.Create(new { priority = "Low" }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        var refused = await agent.SendAsync(stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Equal(changed.Headers.ETag!.Tag, refused.Headers.ETag!.Tag);

        var unknown = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{key}") { Content = JsonContent.Create(new { colour = "red" }) };
        unknown.Headers.IfMatch.Add(new EntityTagHeaderValue(changed.Headers.ETag!.Tag));
        var bad = await agent.SendAsync(unknown);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await JsonAsync(bad)).GetProperty("errors").TryGetProperty("colour", out _));
    }

    [Fact]
    public async Task Create_AsTheCaller_OrForARequesterByStaff_AndTheChangeIsAuditedWithTheToken()
    {
        var (agent, token) = await ClientAsync(fx.Org.ItAgent);
        var input = new
        {
            departmentId = fx.Org.It.Id, categoryId = fx.Org.Laptop.Id, title = "Disk full on build server", description = "Monitoring says 98%",
            priority = "High", requesterEmail = fx.Org.Requester.Email,
            fields = new Dictionary<string, string> { [fx.Org.AssetTag.Id.ToString()] = "LT-PAGE", [fx.Org.Os.Id.ToString()] = "Linux" },
        };
        var response = await agent.PostAsJsonAsync("/api/v1/tickets", input);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await JsonAsync(response);
        Assert.Equal(fx.Org.Requester.Id, created.GetProperty("requester").GetProperty("id").GetString());
        Assert.Equal("High", created.GetProperty("priority").GetString());
        Assert.NotNull(response.Headers.Location);

        await using (var db = await fx.Factory.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync())
        {
            var id = created.GetProperty("id").GetInt32();
            var sources = await db.AuditEntries.Where(e => e.TicketId == id).Select(e => e.Source).ToListAsync();
            Assert.Contains(sources, s => s != null && s.Contains($"#{token.Token.Id}"));
        }

        var (rita, _) = await ClientAsync(fx.Org.Requester);
        var forOtto = await rita.PostAsJsonAsync("/api/v1/tickets", input with { requesterEmail = fx.Org.OtherRequester.Email });
        Assert.Equal(HttpStatusCode.BadRequest, forOtto.StatusCode);
        Assert.True((await JsonAsync(forOtto)).GetProperty("errors").TryGetProperty("RequesterEmail", out _));
    }

    [Fact]
    public async Task Paging_ReturnsEachTicketOnce_AndAChangeMadeMeanwhileComesAgainLater()
    {
        var (admin, _) = await ClientAsync(fx.Org.Admin);
        var first = await JsonAsync(await admin.GetAsync("/api/v1/tickets?limit=1"));
        var seen = first.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()).ToList();
        var firstId = seen[0];
        // The first ticket changes while the client pages on.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/v1/tickets/{firstId}/notes", new { body = "changed while paging" })).StatusCode);
        var cursor = first.GetProperty("nextCursor").GetString();
        var again = 0;
        while (cursor is not null)
        {
            var page = await JsonAsync(await admin.GetAsync($"/api/v1/tickets?limit=1&cursor={cursor}"));
            foreach (var id in page.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt32()))
            {
                if (id == firstId)
                    again++;
                else
                    Assert.DoesNotContain(id, seen);
                seen.Add(id);
            }

            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }

        Assert.Equal(1, again);
        Assert.Contains(fx.HrTicketId, seen);
        var bad = await admin.GetAsync("/api/v1/tickets?cursor=nonsense!");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task TheExports_TakeAToken()
    {
        var (supervisor, _) = await ClientAsync(fx.Org.ItSupervisor, ApiScopes.ReportsRead);
        var csv = await supervisor.GetAsync("/reports/export.csv?measure=Created&by=Department&period=Last7Days");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Contains(fx.Org.It.Name, await csv.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesTheApi()
    {
        var doc = await JsonAsync(await fx.Factory.ClientFor(null).GetAsync("/openapi/v1.json"));
        Assert.StartsWith("3.1", doc.GetProperty("openapi").GetString());
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/tickets", out _));
        Assert.True(paths.TryGetProperty("/api/v1/tickets/{ticket}", out var one));
        Assert.True(one.TryGetProperty("patch", out var patch));
        // A stale or missing ETag is documented, as is the problem body every error has.
        Assert.True(patch.GetProperty("responses").TryGetProperty("412", out _));
        Assert.True(patch.GetProperty("responses").TryGetProperty("428", out _));
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.TryGetProperty("ApiTicket", out _));
        // The common bodies come with an example to paste.
        Assert.Equal("Printers on floor 3 offline", schemas.GetProperty("ApiNewTicket").GetProperty("examples")[0].GetProperty("title").GetString());
        Assert.Equal("Title is required.", schemas.GetProperty("ProblemDetails").GetProperty("examples")[0].GetProperty("errors").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Departments_ListCategoriesAndTheirFields()
    {
        var (rita, _) = await ClientAsync(fx.Org.Requester, ApiScopes.TicketsRead);
        var departments = await JsonAsync(await rita.GetAsync("/api/v1/departments"));
        var it = departments.EnumerateArray().Single(d => d.GetProperty("code").GetString() == fx.Org.It.Code);
        var laptop = it.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("id").GetInt32() == fx.Org.Laptop.Id);
        Assert.Contains(laptop.GetProperty("fields").EnumerateArray(), f => f.GetProperty("id").GetInt32() == fx.Org.AssetTag.Id);
    }
}

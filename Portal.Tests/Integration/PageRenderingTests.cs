using System.Net;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>Every page, opened by direct URL by every role: it renders, and shows only what that role may see.</summary>
public class PageRenderingTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    private static readonly string[] Everyone = ["Admin", "ItAgent", "ItSupervisor", "HrAgent", "Requester", "OtherRequester"];

    // Page key, who may use it, and what that page shows when it works.
    private static readonly (string Page, string[] Allowed, string Marker)[] Pages =
    [
        ("home", Everyone, "Hello, "),
        ("new-request", Everyone, "New request"),
        ("my-requests", Everyone, "My requests"),
        ("request-it", ["Admin", "ItAgent", "ItSupervisor", "Requester"], "Rita&#x27;s laptop"),
        ("request-hr", ["Admin", "HrAgent", "OtherRequester"], "Otto&#x27;s payslip"),
        ("ticket-it", ["Admin", "ItAgent", "ItSupervisor"], "Save changes"),
        ("ticket-hr", ["Admin", "HrAgent"], "Save changes"),
        ("queue-it", ["Admin", "ItAgent", "ItSupervisor"], "IT queue"),
        ("queue-hr", ["Admin", "HrAgent"], "HR queue"),
        ("admin-departments", ["Admin"], "Add a department"),
        ("admin-department-it", ["Admin"], "Categories and their fields"),
        ("admin-users", ["Admin"], "New local user"),
        ("admin-user-new", ["Admin"], "Create user"),
        ("admin-types", ["Admin"], "New type"),
        ("admin-sla", ["Admin"], "New policy"),
        ("admin-sla-policy", ["Admin"], "Test this policy"),
        ("admin-sla-calendar", ["Admin"], "Save calendar"),
        ("admin-escalations", ["Admin"], "New path"),
        ("admin-escalation-new", ["Admin"], "Save path"),
        ("admin-rules", ["Admin"], "New rule"),
        ("admin-rule-new", ["Admin"], "Save rule"),
        ("admin-outbox", ["Admin"], "Dead letter"),
        ("admin-email", ["Admin"], "Quarantine"),
        ("settings-sign-in", Everyone, "Two-step sign-in"),
        ("notifications", Everyone, "Mark all read"),
        ("notification-settings", Everyone, "Text message"),
        ("board", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "at risk"),
        ("wallboard", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "breached"),
        ("assets", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "Search tag, serial"),
        ("asset-it", ["Admin", "ItAgent", "ItSupervisor", "Requester"], "Rita&#x27;s ThinkPad"),
        ("asset-label", ["Admin", "ItAgent", "ItSupervisor", "Requester"], "requests/new?asset=LT-PAGE"),
        ("asset-new", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "Add asset"),
        ("assets-import", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "Import assets from CSV"),
        ("assets-locations", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "In repair"),
        ("admin-asset-types", ["Admin"], "Add type"),
        ("admin-audit", ["Admin"], "Verify the audit trail"),
        ("audit-ticket-it", ["Admin"], "Audit timeline of"),
        ("complaints", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "Complaint register</h4>"),
        ("complaint-new", Everyone, "Log the complaint"),
        ("catalog", Everyone, "Onboarding a new hire"),
        ("catalog-onboarding", Everyone, "New hire&#x27;s name"),
        ("admin-catalog", ["Admin"], "New item"),
        ("admin-catalog-item", ["Admin"], "Waits for"),
        ("dashboards", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "New dashboard"),
        ("reports", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "Click a number to see the tickets behind it"),
        ("approvals-report", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "Waiting for a decision"),
        ("knowledge-report", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "Requests answered by an article"),
        ("help", Everyone, "Answers to what people ask most"),
        ("knowledge", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "The articles of your departments"),
        ("article-new", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "Text (Markdown)"),
        ("responses", ["Admin", "ItAgent", "ItSupervisor", "HrAgent"], "New response"),
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (page, _, _) in Pages)
            foreach (var role in Everyone)
                data.Add(page, role);
        return data;
    }

    private string PathOf(string page) => page switch
    {
        "home" => "/",
        "dashboards" => "/dashboards",
        "reports" => "/reports?measure=Created&by=Priority",
        "new-request" => "/requests/new",
        "my-requests" => "/requests",
        "request-it" => $"/requests/{fx.ItTicketId}",
        "request-hr" => $"/requests/{fx.HrTicketId}",
        "ticket-it" => $"/tickets/{fx.ItTicketId}",
        "ticket-hr" => $"/tickets/{fx.HrTicketId}",
        "queue-it" => $"/queues/{fx.Org.It.Id}",
        "queue-hr" => $"/queues/{fx.Org.Hr.Id}",
        "admin-departments" => "/admin/departments",
        "admin-department-it" => $"/admin/departments/{fx.Org.It.Id}",
        "admin-users" => "/admin/users",
        "admin-user-new" => "/admin/users/new",
        "admin-types" => "/admin/types",
        "admin-sla" => "/admin/sla",
        "admin-sla-policy" => "/admin/sla/policies/1",
        "admin-sla-calendar" => "/admin/sla/calendars/1",
        "admin-escalations" => "/admin/escalations",
        "admin-escalation-new" => "/admin/escalations/new",
        "admin-rules" => "/admin/rules",
        "admin-rule-new" => "/admin/rules/new",
        "admin-outbox" => "/admin/outbox",
        "admin-email" => "/admin/email",
        "settings-sign-in" => "/settings/sign-in",
        "notifications" => "/notifications",
        "notification-settings" => "/settings/notifications",
        "board" => "/board",
        "wallboard" => "/board?wall=true",
        "assets" => "/assets",
        "asset-it" => $"/assets/{fx.AssetId}",
        "asset-label" => $"/assets/{fx.AssetId}/label",
        "asset-new" => "/assets/new",
        "assets-import" => "/assets/import",
        "assets-locations" => "/assets/locations",
        "admin-asset-types" => "/admin/asset-types",
        "admin-audit" => "/admin/audit",
        "audit-ticket-it" => $"/audit/tickets/{fx.ItTicketId}",
        "complaints" => "/complaints",
        "complaint-new" => "/complaints/new",
        "catalog" => "/catalog",
        "catalog-onboarding" => "/catalog/1",
        "admin-catalog" => "/admin/catalog",
        "admin-catalog-item" => "/admin/catalog/1",
        "approvals-report" => "/reports/approvals",
        "knowledge-report" => "/reports/knowledge",
        "help" => "/help",
        "knowledge" => "/kb",
        "article-new" => "/kb/articles/new",
        "responses" => "/responses",
        _ => throw new ArgumentOutOfRangeException(nameof(page)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Page_ByRole_RendersOrRefuses(string page, string role)
    {
        var (_, allowed, marker) = Pages.Single(p => p.Page == page);
        var user = fx.Org.ByRole[role];
        var response = await fx.Factory.ClientFor(user.Id).GetAsync(PathOf(page));
        var html = await response.Content.ReadAsStringAsync();

        // Someone who may see a ticket but does not work it (its requester, a watcher), following a link to the agents'
        // page, is taken to the request page, which they may open.
        if (page.StartsWith("ticket-", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.Found)
        {
            Assert.EndsWith(PathOf(page.Replace("ticket-", "request-", StringComparison.Ordinal)), response.Headers.Location!.OriginalString);
            Assert.Contains(role, Pages.Single(p => p.Page == page.Replace("ticket-", "request-", StringComparison.Ordinal)).Allowed);
            return;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (allowed.Contains(role))
        {
            Assert.Contains(marker, html);
            Assert.DoesNotContain("data-testid=\"problem\"", html);
        }
        else
        {
            Assert.Contains("data-testid=\"problem\"", html);
            Assert.DoesNotContain(marker, html);
        }
    }

    [Fact]
    public async Task RequesterView_NeverShowsInternalNotes()
    {
        var tickets = (Portal.Core.Handling.TicketCommands)fx.Factory.Services.GetService(typeof(Portal.Core.Handling.TicketCommands))!;
        await tickets.ReplyAsync(fx.Org.ActorFor(fx.Org.ItAgent), fx.ItTicketId, "Secret diagnosis XYZZY", isPublic: false, []);
        var asRequester = await fx.Factory.ClientFor(fx.Org.Requester.Id).GetStringAsync($"/requests/{fx.ItTicketId}");
        var asAgent = await fx.Factory.ClientFor(fx.Org.ItAgent.Id).GetStringAsync($"/tickets/{fx.ItTicketId}");
        Assert.DoesNotContain("XYZZY", asRequester);
        Assert.Contains("XYZZY", asAgent);
    }

    [Fact]
    public async Task UnknownAddress_ShowsNotFoundPage()
    {
        var response = await fx.Factory.ClientFor(fx.Org.Requester.Id).GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("This page does not exist", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/board?wall=maybe", "ItSupervisor", "Breach board")]
    [InlineData("/assets?warranty=2147483647&repeat=perhaps", "ItAgent", "Assets")]
    [InlineData("/requests/new?department=abc", "Requester", "New request")]
    [InlineData("/requests/new?department=99999999999", "Requester", "New request")]
    public async Task AValueInTheAddressThatMakesNoSense_IsNotApplied_AndThePageShows(string address, string role, string heading)
    {
        var response = await fx.Factory.ClientFor(fx.Org.ByRole[role].Id).GetAsync(address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(heading, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheAssetExport_TakesAnyWarrantyWindow()
    {
        var response = await fx.Factory.ClientFor(fx.Org.ItAgent.Id).GetAsync("/assets/export.csv?warranty=2147483647");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("Requester", HttpStatusCode.OK)]
    [InlineData("ItAgent", HttpStatusCode.OK)]
    [InlineData("OtherRequester", HttpStatusCode.NotFound)]
    [InlineData("HrAgent", HttpStatusCode.NotFound)]
    public async Task Attachment_DownloadIsAuthorized(string role, HttpStatusCode expected)
    {
        var response = await fx.Factory.ClientFor(fx.Org.ByRole[role].Id).GetAsync($"/attachments/{fx.AttachmentId}");
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal([137, 80, 78, 71], await response.Content.ReadAsByteArrayAsync());
            // Downloaded, never shown inline, and never second-guessed into another type by the browser.
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("sandbox", policy);
            Assert.Contains("default-src 'none'", policy);
        }
        else
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("does not exist or you may not see it", body);
            Assert.DoesNotContain("   at ", body);
        }
    }

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/")]
    [InlineData("/theme.css")]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string path)
    {
        var response = await fx.Factory.ClientFor(path == "/" ? fx.Org.Requester.Id : null).GetAsync(path);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Contains("camera=()", Assert.Single(response.Headers.GetValues("Permissions-Policy")));
    }

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/")]
    public async Task EveryPage_HasAContentSecurityPolicy_ThatRunsOnlyOurScripts_AndTheImportMapWithThisAnswersNonce(string path)
    {
        var client = fx.Factory.ClientFor(path == "/" ? fx.Org.Requester.Id : null);
        var first = await client.GetAsync(path);
        var policy = Assert.Single(first.Headers.GetValues("Content-Security-Policy"));
        var script = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.DoesNotContain("unsafe-inline", script);
        Assert.DoesNotContain("unsafe-eval", script);
        Assert.Contains("object-src 'none'", policy);
        Assert.Contains("frame-ancestors 'self'", policy);
        var nonce = System.Text.RegularExpressions.Regex.Match(script, "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        var html = await first.Content.ReadAsStringAsync();
        var importMap = System.Text.RegularExpressions.Regex.Match(html, "<script[^>]*type=\"importmap\"[^>]*>").Value;
        Assert.Contains($"nonce=\"{nonce}\"", importMap);
        // Every inline script of the page carries the nonce; a new answer has a new one.
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)(?![^>]*\\bnonce=)[^>]*>", html);
        var second = Assert.Single((await client.GetAsync(path)).Headers.GetValues("Content-Security-Policy"));
        Assert.DoesNotContain(nonce, second);
    }

    [Fact]
    public async Task Attachment_Anonymous_IsSentToSignIn()
    {
        var response = await fx.Factory.ClientFor(null).GetAsync($"/attachments/{fx.AttachmentId}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Boards_TakeTheirThemeFromTheStylesheet_AndCarryNoProviders()
    {
        var css = await fx.Factory.ClientFor(null).GetAsync("/theme.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType!.MediaType);
        Assert.Contains("--mud-palette-primary: rgba(31,95,153,1)", await css.Content.ReadAsStringAsync()); // the desk's #1f5f99

        var wall = await fx.Factory.ClientFor(fx.Org.ItSupervisor.Id).GetStringAsync("/board?wall=true");
        var board = await fx.Factory.ClientFor(fx.Org.ItSupervisor.Id).GetStringAsync("/board");
        Assert.Contains("theme.css", wall);
        Assert.DoesNotContain("mud-popover-provider", wall);
        Assert.DoesNotContain("mud-popover-provider", board);
        Assert.Contains("theme.css", board);
        // The lean layout still gives the board the app's menu and bar.
        Assert.Contains("href=\"/assets\"", board);
        Assert.Contains("data-testid=\"signed-in-as\"", board);
        var queue = await fx.Factory.ClientFor(fx.Org.ItSupervisor.Id).GetStringAsync($"/queues/{fx.Org.It.Id}");
        Assert.Contains("mud-popover-provider", queue);
    }

    [Fact]
    public async Task HealthEndpoints_AnswerWithoutSigningIn_AndReadinessChecksTheDatabase()
    {
        var anonymous = fx.Factory.CreateClient();
        var live = await anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        var ready = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var doc = System.Text.Json.JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", doc.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", doc.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task AssetExport_GivesTheFilteredListAsCsv_ToStaffOnly()
    {
        var response = await fx.Factory.ClientFor(fx.Org.ItAgent.Id).GetAsync("/assets/export.csv?text=lt-page&sort=Name");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("attachment;", response.Content.Headers.ContentDisposition!.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("LT-PAGE,Rita's ThinkPad,Laptop,", lines[1]);
        Assert.Contains("rita.requester@test.example", lines[1]);

        var hr = await fx.Factory.ClientFor(fx.Org.HrAgent.Id).GetStringAsync("/assets/export.csv");
        Assert.Single(hr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var requester = await fx.Factory.ClientFor(fx.Org.Requester.Id).GetAsync("/assets/export.csv");
        Assert.Equal(HttpStatusCode.Forbidden, requester.StatusCode);
        Assert.DoesNotContain("   at ", await requester.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AuditExports_CarryTheHashes_ForAdmins_AndARefusalIsItselfAudited()
    {
        var admin = fx.Factory.ClientFor(fx.Org.Admin.Id);
        var csv = await admin.GetAsync($"/admin/audit/export.csv?ticket={fx.ItTicketId}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Id,At,ActorKind,ActorId,Action,EntityType,EntityId,TicketId,Before,After,Source,PrevHash,Hash", lines[0]);
        Assert.Contains(lines, l => l.Contains("ticket.created"));
        var json = await admin.GetAsync("/admin/audit/export.json?action=ticket.created");
        Assert.Equal("application/json", json.Content.Headers.ContentType!.MediaType);
        using var doc = System.Text.Json.JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.All(doc.RootElement.EnumerateArray(), e => Assert.Equal(64, e.GetProperty("Hash").GetString()!.Length));

        var refused = await fx.Factory.ClientFor(fx.Org.ItSupervisor.Id).GetAsync("/admin/audit/export.json");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var audit = (Portal.Core.Audit.AuditService)fx.Factory.Services.GetService(typeof(Portal.Core.Audit.AuditService))!;
        var denied = (await audit.SearchAsync(fx.Org.ActorFor(fx.Org.Admin), new Portal.Core.Audit.AuditQuery(Action: "access.denied"))).Items;
        Assert.Contains(denied, r => r.Entry.ActorId == fx.Org.ItSupervisor.Id && r.Entry.EntityId == "/admin/audit/export.json");
    }

    [Fact]
    public async Task TheComplaintRegister_ExportsAsCsv_ToStaff_NotToRequesters()
    {
        var response = await fx.Factory.ClientFor(fx.Org.HrAgent.Id).GetAsync("/complaints/export.csv?open=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("Ticket,Title,Department,Status,Complainant", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Factory.ClientFor(fx.Org.Requester.Id).GetAsync("/complaints/export.csv")).StatusCode);
    }
}

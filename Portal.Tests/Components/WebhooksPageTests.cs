using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Core.Admin;
using Portal.Core.Notifications;
using Portal.Features.Webhooks;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>Admin → Webhooks: adding one with the fields named when wrong, its secret, a test event and a redelivery with the receiver's answers.</summary>
public class WebhooksPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private BunitContext Context(global::Portal.Core.Users.DeskUser user) => DeskBunit.Create(_db, user, s =>
    {
        s.AddSingleton(_db.Get<WebhookAdminService>());
        var channel = new global::Portal.Api.EventWebhookChannel(_db.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<global::Portal.Core.Persistence.DeskDbContext>>(),
            _db.Get<IHttpClientFactory>(), _db.Get<global::Portal.Core.Handling.TicketQueries>(), _db.Get<global::Portal.Core.Assets.AssetService>(), _db.Get<TimeProvider>());
        s.AddSingleton(new OutboxDispatcher(_db.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<global::Portal.Core.Persistence.DeskDbContext>>(), _db.Get<TimeProvider>(),
            _db.Get<IOptions<DeliveryOptions>>(), [channel], NullLogger<OutboxDispatcher>.Instance));
    });

    [Fact]
    public async Task AddingAWebhook_NamesWhatIsMissing_ThenOpensItsPageWithTheSecret()
    {
        await using var ctx = Context(_db.Org.Admin);
        var cut = ctx.Render<WebhooksPage>();
        cut.WaitForElement("[data-testid=new-webhook]").Click();
        cut.Find("[data-testid=event-ticket\\.created]").Change(false);
        cut.Find("[data-testid=save-webhook]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Name is required", cut.Markup));
        Assert.Contains("URL is required", cut.Markup);
        Assert.Contains("Events: choose at least one", cut.Find("[data-testid=events-error]").TextContent);

        cut.Find("[data-testid=webhook-name]").Change("SIEM");
        cut.Find("[data-testid=webhook-url]").Change("siem.example.org");
        cut.Find("[data-testid=event-sla\\.breached]").Change(true);
        cut.Find("[data-testid=save-webhook]").Click();
        // Refused again after it was edited: the field shows its new error.
        cut.WaitForAssertion(() => Assert.Contains("an address starting with https://", cut.Markup));
        // What was typed stays.
        Assert.Equal("SIEM", cut.Find("[data-testid=webhook-name]").GetAttribute("value"));

        cut.Find("[data-testid=webhook-url]").Change("https://siem.example.org/hooks/desk");
        cut.Find("[data-testid=save-webhook]").Click();
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Contains("/admin/webhooks/", navigation.Uri));
        var row = Assert.Single(await _db.Get<WebhookAdminService>().ListAsync(_db.Org.ActorFor(_db.Org.Admin)));
        Assert.Equal([WebhookEvents.SlaBreached], row.Events);
        Assert.EndsWith($"/admin/webhooks/{row.Id}?created=1", navigation.Uri);

        // The address is the new webhook's page with ?created=1, as the browser would have it.
        var page = ctx.Render<WebhookPage>(p => p.Add(x => x.Id, row.Id));
        page.WaitForAssertion(() => Assert.StartsWith("whsec_", page.Find("[data-testid=webhook-secret]").TextContent));
        Assert.NotNull(page.Find("[data-testid=webhook-created]"));
    }

    [Fact]
    public async Task SendTestEvent_ShowsTheReceiversAnswer_AndRedeliverTriesAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var admin = _db.Org.ActorFor(_db.Org.Admin);
        var (id, _) = await _db.Get<WebhookAdminService>().CreateAsync(admin, new WebhookInput("Chat", receiver.Url, [WebhookEvents.TicketCreated], null));
        await using var ctx = Context(_db.Org.Admin);
        var page = ctx.Render<WebhookPage>(p => p.Add(x => x.Id, id));
        Assert.Contains("whsec_••", page.WaitForElement("[data-testid=webhook-secret]").TextContent);

        receiver.AnswerNext(500);
        page.Find("[data-testid=send-test]").Click();
        page.WaitForAssertion(() => Assert.Equal("500", page.Find("[data-testid=status-code]").TextContent.Trim()));
        Assert.Contains("receiver is down for maintenance", page.Find("[data-testid=attempts]").TextContent);
        Assert.Contains("Retrying", page.Find("[data-testid=event-state]").TextContent);

        page.Find("[data-testid=redeliver]").Click();
        page.WaitForAssertion(() => Assert.Contains("Delivered", page.Find("[data-testid=event-state]").TextContent));
        Assert.Equal(["200", "500"], page.FindAll("[data-testid=status-code]").Select(c => c.TextContent.Trim()));
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task RotateAndDelete_AskFirst_ThenTakeEffect()
    {
        var admin = _db.Org.ActorFor(_db.Org.Admin);
        var hooks = _db.Get<WebhookAdminService>();
        var (id, secret) = await hooks.CreateAsync(admin, new WebhookInput("Old SIEM", "https://siem.example.org/hook", [WebhookEvents.SlaBreached], null));
        await using var ctx = Context(_db.Org.Admin);
        var page = ctx.Render<WebhookPage>(p => p.Add(x => x.Id, id));
        page.WaitForElement("[data-testid=rotate-secret]").Click();
        page.Find("[data-testid=rotate-confirm]").Click();
        page.WaitForAssertion(() => Assert.StartsWith("whsec_", page.Find("[data-testid=webhook-secret]").TextContent));
        var shown = page.Find("[data-testid=webhook-secret]").TextContent.Trim();
        Assert.NotEqual(secret, shown);
        Assert.Equal(shown, await hooks.SecretAsync(admin, id));

        page.Find("[data-testid=delete-webhook]").Click();
        page.Find("[data-testid=delete-confirm]").Click();
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        page.WaitForAssertion(() => Assert.EndsWith("/admin/webhooks", navigation.Uri));
        Assert.Empty(await hooks.ListAsync(admin));
    }

    [Fact]
    public async Task AnAgent_IsRefused()
    {
        await using var ctx = Context(_db.Org.ItAgent);
        var cut = ctx.Render<WebhooksPage>();
        cut.WaitForAssertion(() => Assert.Contains("Only admins can see and change webhooks", cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=new-webhook]"));
    }
}

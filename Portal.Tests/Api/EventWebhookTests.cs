using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Admin;
using Portal.Core.Handling;
using Portal.Core.Notifications;
using Portal.Core.Users;
using Portal.Tests.Support;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Portal.Tests.Api;

/// <summary>The portal with retries at once and three attempts before dead letter, for delivering events to a real receiver.</summary>
public sealed class WebhookPortal : StartedPortal
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Notifications:FirstRetryAfter"] = "00:00:00.001",
        ["Notifications:MaxAttempts"] = "3",
    };
}

/// <summary>Event webhooks to an HTTP receiver on a real port: signed so the Standard Webhooks library accepts them, retried, in order, logged.</summary>
public sealed class EventWebhookTests(WebhookPortal portal) : IClassFixture<WebhookPortal>
{
    private TestOrg Org => portal.Org;
    private WebhookAdminService Hooks => portal.Services.GetRequiredService<WebhookAdminService>();
    private OutboxDispatcher Dispatcher => portal.Services.GetRequiredService<OutboxDispatcher>();

    private async Task<(int Id, string Secret)> SubscribeAsync(WebhookReceiver receiver, int? departmentId, params string[] events) =>
        await Hooks.CreateAsync(Org.ActorFor(Org.Admin), new WebhookInput("Receiver " + Guid.NewGuid().ToString("N")[..6], receiver.Url, events, departmentId));

    private async Task<HttpClient> ApiAsync(DeskUser user)
    {
        var made = await portal.Services.GetRequiredService<ApiTokenService>().CreateAsync(Org.ActorFor(user), user.Id, "hooks",
            [ApiScopes.TicketsRead, ApiScopes.TicketsWrite], null);
        var client = portal.ClientFor(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", made.Secret);
        return client;
    }

    /// <summary>Runs the dispatcher as its job would, until nothing of this subscription is left to send (or it gives up).</summary>
    private async Task DeliverAllAsync(int subscriptionId)
    {
        for (var round = 0; round < 12; round++)
        {
            await Dispatcher.DispatchAsync();
            if ((await Hooks.EventsAsync(Org.ActorFor(Org.Admin), subscriptionId)).All(e => e.Status != OutboxStatus.Pending))
                return;
        }
    }

    private static JsonElement Json(WebhookReceiver.Received r) => JsonDocument.Parse(r.Body).RootElement;

    [Fact]
    public async Task Events_ReachTheReceiver_InOrder_SignedSoTheStandardLibraryAcceptsThem()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (hook, secret) = await SubscribeAsync(receiver, Org.It.Id, WebhookEvents.TicketCreated, WebhookEvents.TicketReplied, WebhookEvents.TicketResolved);
        var requester = await ApiAsync(Org.Requester);
        var agent = await ApiAsync(Org.ItAgent);

        var filed = await requester.PostAsJsonAsync("/api/v1/tickets", new
        {
            departmentId = Org.It.Id, categoryId = Org.Laptop.Id, title = "Docking station flickers", description = "Both screens go dark every minute.",
            priority = "High", fields = new Dictionary<string, string> { [Org.AssetTag.Id.ToString()] = "LT-1001", [Org.Os.Id.ToString()] = "Linux" },
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, filed.StatusCode);
        var ticket = JsonDocument.Parse(await filed.Content.ReadAsStringAsync()).RootElement;
        var key = ticket.GetProperty("key").GetString();
        var id = ticket.GetProperty("id").GetInt32();
        Assert.True((await agent.PostAsJsonAsync($"/api/v1/tickets/{key}/replies", new { body = "Swap the cable, please." })).IsSuccessStatusCode);
        var etag = (await agent.GetAsync($"/api/v1/tickets/{key}")).Headers.ETag!.Tag;
        var resolve = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{key}") { Content = JsonContent.Create(new { status = "Resolved" }) };
        resolve.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        Assert.True((await agent.SendAsync(resolve)).IsSuccessStatusCode);
        // Another department's ticket is not this subscription's business.
        await portal.Services.GetRequiredService<TicketFiling>().CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org));

        await DeliverAllAsync(hook);

        var received = receiver.Requests.ToList();
        Assert.Equal([WebhookEvents.TicketCreated, WebhookEvents.TicketReplied, WebhookEvents.TicketResolved],
            received.Select(r => Json(r).GetProperty("type").GetString()));
        var verifier = new StandardWebhook(secret);
        foreach (var r in received)
        {
            verifier.Verify(r.Body, r.Headers);
            Assert.StartsWith("msg_", r.Headers["webhook-id"].ToString());
            var data = Json(r).GetProperty("data");
            Assert.Equal(key, data.GetProperty("ticket").GetProperty("key").GetString());
            Assert.Equal(id, data.GetProperty("ticket").GetProperty("id").GetInt32());
        }

        Assert.Equal(3, received.Select(r => r.Headers["webhook-id"].ToString()).Distinct().Count());
        var replied = Json(received[1]).GetProperty("data");
        Assert.Equal(Org.ItAgent.Id, replied.GetProperty("actor").GetProperty("id").GetString());
        Assert.Contains(replied.GetProperty("changes").EnumerateArray(), c => c.GetProperty("body").GetString() == "Swap the cable, please.");
        Assert.Equal("High", Json(received[0]).GetProperty("data").GetProperty("ticket").GetProperty("priority").GetString());
        // A receiver with another secret, or a body changed on the way, is refused by the same library.
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(Convert.ToBase64String(new byte[24])).Verify(received[0].Body, received[0].Headers));
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(received[0].Body.Replace("High", "Low"), received[0].Headers));

        var log = await Hooks.DeliveriesAsync(Org.ActorFor(Org.Admin), hook);
        Assert.Equal(3, log.Count);
        Assert.All(log, d => { Assert.Equal(200, d.StatusCode); Assert.True(d.Succeeded); Assert.Equal("thanks", d.Response); });
        await Hooks.DeleteAsync(Org.ActorFor(Org.Admin), hook);
    }

    [Fact]
    public async Task AFailedDelivery_IsRetriedUnderTheSameId_AndHoldsBackTheTicketsLaterEvents()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (hook, _) = await SubscribeAsync(receiver, null, WebhookEvents.TicketCreated, WebhookEvents.TicketReplied, WebhookEvents.TicketNoted);
        receiver.AnswerNext(500);
        var created = await portal.Services.GetRequiredService<TicketFiling>().CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Fan very loud"));
        var commands = portal.Services.GetRequiredService<TicketCommands>();
        await commands.ReplyAsync(Org.ActorFor(Org.ItAgent), created.Id, "Checking the fan", isPublic: false, []);
        await commands.ReplyAsync(Org.ActorFor(Org.Requester), created.Id, "It is louder now", isPublic: true, []);

        // The first attempt fails: nothing later of this ticket goes before it.
        await Dispatcher.DispatchAsync();
        Assert.Single(receiver.Requests);
        await DeliverAllAsync(hook);

        var received = receiver.Requests.ToList();
        Assert.Equal([WebhookEvents.TicketCreated, WebhookEvents.TicketCreated, WebhookEvents.TicketNoted, WebhookEvents.TicketReplied],
            received.Select(r => Json(r).GetProperty("type").GetString()));
        Assert.Equal(received[0].Headers["webhook-id"].ToString(), received[1].Headers["webhook-id"].ToString());
        var attempts = (await Hooks.DeliveriesAsync(Org.ActorFor(Org.Admin), hook)).OrderBy(d => d.Id).ToList();
        Assert.Equal([500, 200, 200, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal("receiver is down for maintenance", attempts[0].Response);
        Assert.Equal([1, 2], attempts.Take(2).Select(a => a.Attempt));
        Assert.All(await Hooks.EventsAsync(Org.ActorFor(Org.Admin), hook), e => Assert.Equal(OutboxStatus.Sent, e.Status));
        await Hooks.DeleteAsync(Org.ActorFor(Org.Admin), hook);
    }

    [Fact]
    public async Task AfterTheLastAttempt_AnEventIsDeadLetter_AndRedeliverSendsItAgain_AsDoesTheTestEvent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (hook, secret) = await SubscribeAsync(receiver, null, WebhookEvents.TicketCreated);
        var admin = Org.ActorFor(Org.Admin);
        receiver.AnswerNext(503, 503, 503);
        var message = await Hooks.AddTestEventAsync(admin, hook);
        Assert.Equal(OutboxStatus.Pending, await Dispatcher.SendNowAsync(message));
        await DeliverAllAsync(hook);
        var dead = Assert.Single(await Hooks.EventsAsync(admin, hook));
        Assert.Equal(OutboxStatus.Dead, dead.Status);
        Assert.Equal(3, dead.Attempts);
        Assert.Contains("503", dead.LastError);

        await Hooks.RedeliverAsync(admin, hook, message);
        Assert.Equal(OutboxStatus.Sent, await Dispatcher.SendNowAsync(message));
        var received = receiver.Requests.ToList();
        Assert.Equal(4, received.Count);
        Assert.Single(received.Select(r => r.Headers["webhook-id"].ToString()).Distinct());
        var last = received[^1];
        new StandardWebhook(secret).Verify(last.Body, last.Headers);
        Assert.Equal(WebhookEvents.Test, Json(last).GetProperty("type").GetString());
        Assert.Equal([503, 503, 503, 200], (await Hooks.DeliveriesAsync(admin, hook, message)).OrderBy(d => d.Id).Select(d => d.StatusCode ?? 0));
        await Hooks.DeleteAsync(admin, hook);
    }

    [Fact]
    public async Task AReceiverThatIsNotThere_IsLoggedWithoutAStatus_AndRetried()
    {
        string url;
        await using (var gone = await WebhookReceiver.StartAsync())
            url = gone.Url;
        var (hook, _) = await Hooks.CreateAsync(Org.ActorFor(Org.Admin), new WebhookInput("Gone", url, [WebhookEvents.TicketCreated], null));
        var message = await Hooks.AddTestEventAsync(Org.ActorFor(Org.Admin), hook);
        Assert.Equal(OutboxStatus.Pending, await Dispatcher.SendNowAsync(message));
        var attempt = Assert.Single(await Hooks.DeliveriesAsync(Org.ActorFor(Org.Admin), hook));
        Assert.Null(attempt.StatusCode);
        Assert.False(attempt.Succeeded);
        Assert.Contains(url, attempt.Response);
        await Hooks.DeleteAsync(Org.ActorFor(Org.Admin), hook);
    }
}

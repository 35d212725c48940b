using Microsoft.EntityFrameworkCore;
using Portal.Core.Admin;
using Portal.Core.Assets;
using Portal.Core.Common;
using Portal.Core.Escalations;
using Portal.Core.Handling;
using Portal.Core.Notifications;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>Which events each change puts in the outbox for the subscriptions that want them, and the admin's rules for subscriptions.</summary>
public class WebhookEventTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private WebhookAdminService Hooks => _db.Get<WebhookAdminService>();

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<int> SubscribeAsync(int? departmentId, params string[] events) =>
        (await Hooks.CreateAsync(Org.ActorFor(Org.Admin), new WebhookInput("SIEM " + Guid.NewGuid().ToString("N")[..6], "https://siem.example.org/hook",
            events.Length == 0 ? WebhookEvents.All : events, departmentId))).Id;

    private async Task<List<(string Type, int? TicketId, WebhookEnvelope Envelope)>> EventsAsync(int subscriptionId)
    {
        await using var ctx = _db.NewContext();
        var target = WebhookOutbox.Target(subscriptionId);
        return (await ctx.OutboxMessages.AsNoTracking().Where(m => m.Channel == OutboxChannel.Event && m.Target == target).OrderBy(m => m.Id).ToListAsync())
            .Select(m => (m.Subject, m.TicketId, WebhookEnvelope.Read(m.Body))).ToList();
    }

    [Fact]
    public async Task EachTicketChange_QueuesTheEventsItIs_ForItsDepartmentsSubscriptionsOnly()
    {
        var it = await SubscribeAsync(Org.It.Id);
        var everywhere = await SubscribeAsync(null, WebhookEvents.TicketCreated);
        var agent = Org.ActorFor(Org.ItAgent);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        await _db.Get<TicketCommands>().ReplyAsync(agent, created.Id, "Try holding the power button", isPublic: true, []);
        await _db.Get<TicketCommands>().ReplyAsync(agent, created.Id, "Probably the battery", isPublic: false, []);
        var t = await _db.Get<TicketQueries>().GetAsync(agent, created.Id);
        await _db.Get<TicketCommands>().UpdateAsync(agent, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved });
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Payroll(Org));

        var events = await EventsAsync(it);
        // The agent's first public reply also moves the request from New to Open: an update as well as a reply.
        Assert.Equal([WebhookEvents.TicketCreated, WebhookEvents.TicketUpdated, WebhookEvents.TicketReplied, WebhookEvents.TicketNoted,
            WebhookEvents.TicketUpdated, WebhookEvents.TicketResolved], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal(created.Id, e.TicketId));
        var reply = events[2].Envelope;
        Assert.Equal(Org.ItAgent.Id, reply.ActorId);
        Assert.Contains(reply.Changes!, c => c!["kind"]!.GetValue<string>() == "Reply" && c["body"]!.GetValue<string>() == "Try holding the power button");
        Assert.Contains(events[4].Envelope.Changes!, c => c!["kind"]!.GetValue<string>() == "StatusChanged" && c["newValue"]!.GetValue<string>() == "Resolved");

        // The subscription for every department has both new tickets, and nothing else.
        Assert.Equal(2, (await EventsAsync(everywhere)).Count(e => e.Type == WebhookEvents.TicketCreated));
        Assert.Equal(2, (await EventsAsync(everywhere)).Count);
    }

    [Fact]
    public async Task NoSubscription_NoEvents_AndASwitchedOffOneGetsNone()
    {
        var off = await SubscribeAsync(null);
        var row = (await Hooks.ListAsync(Org.ActorFor(Org.Admin))).Single();
        await Hooks.UpdateAsync(Org.ActorFor(Org.Admin), off, row.Version, new WebhookInput(row.Name, row.Url, row.Events, null, IsActive: false));
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        await using var ctx = _db.NewContext();
        Assert.False(await ctx.OutboxMessages.AnyAsync(m => m.Channel == OutboxChannel.Event));
    }

    [Fact]
    public async Task EscalationLevels_AreWarningsAndBreaches()
    {
        await _db.Get<EscalationAdminService>().SaveAsync(Org.ActorFor(Org.Admin), new PathInput(null, "IT first response", true, Org.It.Id, null,
        [
            new LevelInput(1, SlaMetric.FirstResponse, EscalationTrigger.Fraction, 0.5m, null, new EscalationActions { NotifyAssignee = true }),
            new LevelInput(2, SlaMetric.FirstResponse, EscalationTrigger.AtBreach, null, null, new EscalationActions { RaisePriority = true }),
        ]));
        var hook = await SubscribeAsync(null, WebhookEvents.SlaWarning, WebhookEvents.SlaBreached, WebhookEvents.EscalationFired, WebhookEvents.TicketUpdated);
        var t0 = new DateTime(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);
        _db.Clock.SetUtcNow(t0);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org) with { Priority = TicketPriority.Normal });

        _db.Clock.SetUtcNow(t0.AddHours(2));
        await _db.Get<EscalationService>().SweepAsync();
        _db.Clock.SetUtcNow(t0.AddHours(4).AddSeconds(1));
        await _db.Get<EscalationService>().SweepAsync();

        var events = await EventsAsync(hook);
        Assert.Equal([WebhookEvents.EscalationFired, WebhookEvents.SlaWarning, WebhookEvents.TicketUpdated, WebhookEvents.EscalationFired, WebhookEvents.SlaBreached],
            events.Select(e => e.Type));
        var breach = events[^1].Envelope;
        Assert.Equal(created.Id, breach.TicketId);
        Assert.Equal("FirstResponse", breach.Extra!["metric"]!.GetValue<string>());
        Assert.Equal("AtBreach", breach.Extra["trigger"]!.GetValue<string>());
        Assert.Equal(2, breach.Extra["level"]!.GetValue<int>());
        Assert.Equal(t0.AddHours(4), breach.Extra["dueAt"]!.GetValue<DateTime>());
    }

    [Fact]
    public async Task AssetsCreatedAndChanged_AreEvents_WithWhatChanged()
    {
        var hook = await SubscribeAsync(Org.It.Id, WebhookEvents.AssetCreated, WebhookEvents.AssetUpdated);
        await using (var ctx = _db.NewContext())
        {
            var room = await ctx.AssetTypes.Where(t => t.Name == "Room").Select(t => t.Id).SingleAsync();
            var assets = _db.Get<AssetService>();
            var id = await assets.CreateAsync(Org.ActorFor(Org.ItAgent), new AssetInput("RM-3.14", "Meeting room Thames", room, Org.It.Id, Site: "London"));
            await assets.UpdateAsync(Org.ActorFor(Org.ItAgent), id, 1, new AssetInput("RM-3.14", "Meeting room Severn", room, Org.It.Id, Site: "London"));
        }

        var events = await EventsAsync(hook);
        Assert.Equal([WebhookEvents.AssetCreated, WebhookEvents.AssetUpdated], events.Select(e => e.Type));
        Assert.All(events, e => Assert.NotNull(e.Envelope.AssetId));
        var change = Assert.Single(events[1].Envelope.Changes!);
        Assert.Equal("Meeting room Thames", change!["oldValue"]!.GetValue<string>());
        Assert.Equal("Meeting room Severn", change["newValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Subscriptions_AreForAdmins_AndBadInputNamesItsField()
    {
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Hooks.ListAsync(Org.ActorFor(Org.ItSupervisor)));
        await Assert.ThrowsAsync<DeskForbiddenException>(() =>
            Hooks.CreateAsync(Org.ActorFor(Org.ItAgent), new WebhookInput("x", "https://x.example", [WebhookEvents.TicketCreated], null)));

        var admin = Org.ActorFor(Org.Admin);
        var bad = await Assert.ThrowsAsync<DeskValidationException>(() => Hooks.CreateAsync(admin, new WebhookInput("", "ftp://files", [], 999)));
        Assert.Contains("name", bad.Errors.Keys);
        Assert.Contains("https://", bad.Errors["url"]);
        Assert.Contains("at least one", bad.Errors["events"]);
        Assert.Contains("department", bad.Errors["departmentId"]);
        var unknown = await Assert.ThrowsAsync<DeskValidationException>(() => Hooks.CreateAsync(admin, new WebhookInput("a", "https://a.example", ["ticket.deleted"], null)));
        Assert.Contains("\"ticket.deleted\" is not an event", unknown.Errors["events"]);

        var (id, secret) = await Hooks.CreateAsync(admin, new WebhookInput("SIEM", "https://siem.example.org", [WebhookEvents.SlaBreached], null));
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(24, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        var taken = await Assert.ThrowsAsync<DeskValidationException>(() => Hooks.CreateAsync(admin, new WebhookInput("SIEM", "https://b.example", [WebhookEvents.SlaBreached], null)));
        Assert.Contains("another webhook", taken.Errors["name"]);

        var rotated = await Hooks.RotateSecretAsync(admin, id);
        Assert.NotEqual(secret, rotated);
        Assert.Equal(rotated, await Hooks.SecretAsync(admin, id));
        // A stale edit is refused, not written over the other admin's.
        await Assert.ThrowsAsync<DeskConflictException>(() => Hooks.UpdateAsync(admin, id, 1, new WebhookInput("SIEM", "https://c.example", [WebhookEvents.SlaBreached], null)));

        await using var ctx = _db.NewContext();
        var trail = await ctx.AuditEntries.AsNoTracking().Where(a => a.EntityType == "webhook").ToListAsync();
        Assert.Contains(trail, a => a.Action == "webhook.secret-rotated" && a.ActorId == Org.Admin.Id);
        Assert.Contains(trail, a => a.After != null && a.After.Contains("siem.example.org"));
        Assert.DoesNotContain(trail, a => (a.After ?? "").Contains(secret) || (a.After ?? "").Contains(rotated));
    }
}

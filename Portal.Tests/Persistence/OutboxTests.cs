using Portal.Core.Audit;
using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Common;
using Portal.Core.Escalations;
using Portal.Core.Notifications;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>The notification outbox against a real SQLite file, a real SMTP server and a real webhook receiver.</summary>
public class OutboxTests : IAsyncLifetime
{
    private const string Secret = "s3cret-for-tests";
    private readonly TestSmtpServer _smtp = new();
    private readonly ConcurrentQueue<(string Body, string? Signature, string? Key)> _hooks = new();
    private readonly ConcurrentQueue<IFormCollection> _texts = new();
    private WebApplication? _receiver;
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private OutboxDispatcher Dispatcher => _db.Get<OutboxDispatcher>();

    public async Task InitializeAsync()
    {
        var hookPort = TestSmtpServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{hookPort}");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            _hooks.Enqueue((await reader.ReadToEndAsync(), request.Headers[WebhookChannel.SignatureHeader], request.Headers[WebhookChannel.IdempotencyHeader]));
            return Results.Ok();
        });
        _receiver.MapPost("/broken", () => Results.StatusCode(503));
        _receiver.MapPost("/sms", async (HttpRequest request) =>
        {
            _texts.Enqueue(await request.ReadFormAsync());
            return Results.Ok();
        });
        await _receiver.StartAsync();

        _db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Notifications:BaseUrl"] = "https://desk.example.org",
            ["Notifications:MaxAttempts"] = "3",
            ["Notifications:Email:Host"] = "127.0.0.1",
            ["Notifications:Email:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Email:Security"] = "None",
            ["Notifications:Email:From"] = "Desk <desk@example.org>",
            ["Notifications:Webhooks:0:Name"] = "it-channel",
            ["Notifications:Webhooks:0:Url"] = $"http://127.0.0.1:{hookPort}/hook",
            ["Notifications:Webhooks:0:Secret"] = Secret,
            ["Notifications:Webhooks:0:Departments:0"] = "IT",
            ["Notifications:Webhooks:1:Name"] = "teams",
            ["Notifications:Webhooks:1:Url"] = $"http://127.0.0.1:{hookPort}/hook",
            ["Notifications:Webhooks:1:Format"] = "Teams",
            ["Notifications:Webhooks:1:Departments:0"] = "HR",
            ["Notifications:Sms:Url"] = $"http://127.0.0.1:{hookPort}/sms",
            ["Notifications:Sms:Fields:number"] = "{to}",
            ["Notifications:Sms:Fields:message"] = "{text}",
        });
    }

    public async Task DisposeAsync()
    {
        await _smtp.DisposeAsync();
        if (_receiver is not null)
            await _receiver.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<Ticket> NotifyAsync(string eventKey, string what, params string[] recipients)
    {
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        await using var ctx = _db.NewContext();
        var ticket = (await ctx.Tickets.FindAsync(created.Id))!;
        await _db.Get<NotificationService>().AddAsync(ctx, recipients, null, ticket, eventKey, NotificationEvent.Breach, what, _db.Clock.GetUtcNow().UtcDateTime);
        await ctx.SaveChangesAsync();
        return ticket;
    }

    private async Task<List<OutboxMessage>> OutboxAsync()
    {
        await using var ctx = _db.NewContext();
        return await ctx.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    [Fact]
    public async Task AScheduledReport_ArrivesByEmail_AsATableOfItsNumbers()
    {
        await _smtp.StartAsync();
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Counted"));
        var sue = Org.ActorFor(Org.ItSupervisor);
        await _db.Get<Portal.Core.Reporting.ScheduledReportService>().SaveAsync(sue, new Portal.Core.Reporting.ScheduledReportInput(null, "IT weekly",
            new Portal.Core.Reporting.ReportRequest(DepartmentId: Org.It.Id), Portal.Core.Reporting.ReportFrequency.Weekly, [Org.ItAgent.Id], 0));
        _db.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 6, 5, 0, TimeSpan.Zero));
        Assert.Equal(1, await _db.Get<Portal.Core.Reporting.ScheduledReportService>().RunDueAsync());

        Assert.Equal(1, (await Dispatcher.DispatchAsync()).Sent);
        var mail = await _smtp.WaitForAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("IT weekly (2026-11-23 – 2026-11-29)", mail.Subject);
        Assert.Equal(Org.ItAgent.Email, mail.To.Mailboxes.Single().Address);
        Assert.Matches(@"All +1", mail.TextBody);
        Assert.Contains("<pre", mail.HtmlBody);
    }

    [Fact]
    public async Task AnEscalation_ReachesTheAssigneeByEmail_WithSubjectBodyAndLink()
    {
        await _smtp.StartAsync();
        await _db.Get<EscalationAdminService>().SaveAsync(Org.ActorFor(Org.Admin), new PathInput(null, "IT breach", true, Org.It.Id, null,
            [new LevelInput(1, SlaMetric.FirstResponse, EscalationTrigger.AtBreach, null, null, new EscalationActions { NotifyUsers = [Org.ItAgent.Id] })]));
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, "Laptop on fire"));
        _db.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await _db.Get<EscalationService>().SweepAsync()).Fired);

        var result = await Dispatcher.DispatchAsync();

        Assert.Equal(2, result.Sent); // the email and the IT webhook
        var mail = await _smtp.WaitForAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith($"[{created.Key}] Breached: Level 1 of \"IT breach\"", mail.Subject);
        Assert.Equal(Org.ItAgent.Email, mail.To.Mailboxes.Single().Address);
        Assert.Contains("Laptop on fire", mail.TextBody);
        Assert.Contains($"https://desk.example.org/tickets/{created.Id}", mail.TextBody);
        Assert.Contains($"<a href=\"https://desk.example.org/tickets/{created.Id}\">", mail.HtmlBody);
        var message = (await OutboxAsync()).Single(m => m.Channel == OutboxChannel.Email);
        Assert.Equal(OutboxStatus.Sent, message.Status);
        await using (var ctx = _db.NewContext())
        {
            var mailKey = await ctx.Tickets.Where(t => t.Id == created.Id).Select(t => t.MailKey).SingleAsync();
            Assert.Equal($"t-{mailKey}.{message.IdempotencyKey}@internaldesk", mail.MessageId);
        }

        // Never answered by an auto-responder; no Reply-To while the department has no mailbox.
        Assert.Equal("auto-generated", mail.Headers[MimeKit.HeaderId.AutoSubmitted]);
        Assert.Empty(mail.ReplyTo);
        // The webhook for IT got the same event, signed.
        var (body, signature, key) = Assert.Single(_hooks);
        Assert.Equal(WebhookChannel.Sign(Secret, body), signature);
        Assert.Contains($"\"key\":\"{created.Key}\"", body);
        Assert.Equal((await OutboxAsync()).Single(m => m.Channel == OutboxChannel.Webhook).IdempotencyKey, key);

        // On the trail: the sweep's escalation and each delivery, by the outbox job, with channel and recipient (never the body).
        var trail = await AuditFile.EntriesAsync(_db);
        var escalated = trail.Single(e => e.Action == "ticket.escalated" && e.TicketId == created.Id);
        Assert.Equal((AuditActorKind.Sweep, "escalation-sweep"), (escalated.ActorKind, escalated.ActorId));
        var sent = trail.Where(e => e.Action == "notification.sent" && e.EntityType == "outbox-message").ToList();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, e => Assert.Equal((AuditActorKind.Job, "outbox", created.Id), (e.ActorKind, e.ActorId!, e.TicketId!.Value)));
        Assert.Contains(sent, e => e.After!.Contains("\"Channel\":\"Email\"") && e.After.Contains(Org.ItAgent.Id));
        Assert.DoesNotContain(sent, e => e.After!.Contains("Laptop on fire"));
        Assert.True((await _db.Get<AuditService>().VerifyAsync()).Holds);
    }

    [Fact]
    public async Task WithTheMailServerDown_TheMessageWaits_AndIsDeliveredExactlyOnceWhenItComesBack()
    {
        await NotifyAsync("test:down", "Breached: first response", Org.ItAgent.Id);

        var first = await Dispatcher.DispatchAsync();
        Assert.Equal(1, first.Retrying);
        var waiting = (await OutboxAsync()).Single(m => m.Channel == OutboxChannel.Email);
        Assert.Equal(OutboxStatus.Pending, waiting.Status);
        Assert.NotNull(waiting.LastError);
        Assert.True(waiting.NextAttemptAt > _db.Clock.GetUtcNow().UtcDateTime, "it waits before the next attempt");
        Assert.Equal(0, (await Dispatcher.DispatchAsync()).Sent + (await Dispatcher.DispatchAsync()).Retrying);

        await _smtp.StartAsync();
        _db.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, (await Dispatcher.DispatchAsync()).Sent);
        _db.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, (await Dispatcher.DispatchAsync()).Sent);
        await _smtp.WaitForAsync(TimeSpan.FromSeconds(10));
        Assert.Single(_smtp.Received);
    }

    [Fact]
    public async Task AfterTheLastAttempt_ItIsDeadLetter_AndAnAdminRetriesIt_WhileTheRestFlows()
    {
        await NotifyAsync("test:dead", "Breached", Org.ItAgent.Id);
        for (var i = 0; i < 3; i++)
        {
            await Dispatcher.DispatchAsync();
            _db.Clock.Advance(TimeSpan.FromHours(1));
        }

        var dead = (await OutboxAsync()).Single(m => m.Channel == OutboxChannel.Email);
        Assert.Equal(OutboxStatus.Dead, dead.Status);
        Assert.Equal(3, dead.Attempts);
        // The webhook message of the same event went out meanwhile.
        Assert.Equal(OutboxStatus.Sent, (await OutboxAsync()).Single(m => m.Channel == OutboxChannel.Webhook).Status);
        var failed = Assert.Single(await AuditFile.EntriesAsync(_db), e => e.Action == "notification.failed");
        Assert.Contains("Email", failed.After);

        var listed = Assert.Single(await Dispatcher.ListAsync(Org.ActorFor(Org.Admin), OutboxStatus.Dead));
        Assert.Equal("Ian Agent", listed.TargetName);
        Assert.False(string.IsNullOrEmpty(listed.LastError));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Dispatcher.RetryAsync(Org.ActorFor(Org.ItSupervisor), dead.Id));

        await _smtp.StartAsync();
        await Dispatcher.RetryAsync(Org.ActorFor(Org.Admin), dead.Id);
        Assert.Equal(1, (await Dispatcher.DispatchAsync()).Sent);
        await _smtp.WaitForAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task OneEvent_TellsEachPersonOnce_AndNotTheOneWhoCausedIt()
    {
        await _smtp.StartAsync();
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        await using (var ctx = _db.NewContext())
        {
            var ticket = (await ctx.Tickets.FindAsync(created.Id))!;
            await _db.Get<NotificationService>().AddAsync(ctx, [Org.ItAgent.Id, Org.ItAgent.Id, Org.ItSupervisor.Id], Org.ItSupervisor.Id, ticket, "test:once",
                NotificationEvent.Assigned, "Assigned to you", _db.Clock.GetUtcNow().UtcDateTime);
            await ctx.SaveChangesAsync();
        }

        // The same event again (a retry of its cause) cannot queue a second message.
        await using (var ctx = _db.NewContext())
        {
            var ticket = (await ctx.Tickets.FindAsync(created.Id))!;
            await _db.Get<NotificationService>().AddAsync(ctx, [Org.ItAgent.Id], null, ticket, "test:once", NotificationEvent.Assigned, "Assigned to you",
                _db.Clock.GetUtcNow().UtcDateTime);
            await Assert.ThrowsAsync<DbUpdateException>(() => ctx.SaveChangesAsync());
        }

        var emails = (await OutboxAsync()).Where(m => m.Channel == OutboxChannel.Email).ToList();
        Assert.Equal(Org.ItAgent.Id, Assert.Single(emails).Target);
    }

    [Fact]
    public async Task TwoDispatchers_AtOnce_SendEachMessageOnce()
    {
        await _smtp.StartAsync();
        for (var i = 0; i < 10; i++)
            await NotifyAsync($"test:pair:{i}", $"Event {i}", Org.ItAgent.Id);

        var results = await Task.WhenAll(Dispatcher.DispatchAsync(), new OutboxDispatcher(_db.Get<IDbContextFactory<Portal.Core.Persistence.DeskDbContext>>(),
            _db.Clock, _db.Get<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>(), _db.Get<IEnumerable<INotificationChannel>>()).DispatchAsync());

        Assert.Equal(20, results.Sum(r => r.Sent)); // ten emails and ten webhook posts
        for (var i = 0; i < 50 && _smtp.Received.Count < 10; i++)
            await Task.Delay(20);
        Assert.Equal(10, _smtp.Received.Count);
        Assert.Equal(10, _hooks.Count);
    }

    [Fact]
    public async Task ACrashBetweenSendAndMark_SendsAgainAfterTheLease_WithTheSameIdempotencyKey()
    {
        await NotifyAsync("test:crash", "Breached", Org.ItAgent.Id);
        using var crash = new CancellationTokenSource();
        var sent = new List<string>();
        var crashing = new OutboxDispatcher(_db.Get<IDbContextFactory<Portal.Core.Persistence.DeskDbContext>>(), _db.Clock,
            _db.Get<Microsoft.Extensions.Options.IOptions<DeliveryOptions>>(), [new RecordingChannel(OutboxChannel.Email, m =>
            {
                sent.Add(m.IdempotencyKey);
                crash.Cancel(); // the process dies right after the channel accepted the message
                crash.Token.ThrowIfCancellationRequested();
            }), new RecordingChannel(OutboxChannel.Webhook, _ => { })]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => crashing.DispatchAsync(ct: crash.Token));
        Assert.Equal(OutboxStatus.Pending, (await OutboxAsync()).Single(m => m.Channel == OutboxChannel.Email).Status);

        await _smtp.StartAsync();
        // Before the lease ends nobody sends it again (the webhook message, never claimed, goes out now).
        await Dispatcher.DispatchAsync();
        Assert.Equal(OutboxStatus.Pending, (await OutboxAsync()).Single(m => m.Channel == OutboxChannel.Email).Status);
        Assert.Empty(_smtp.Received);
        _db.Clock.Advance(OutboxDispatcher.Lease);
        await Dispatcher.DispatchAsync();

        var mail = await _smtp.WaitForAsync(TimeSpan.FromSeconds(10));
        Assert.EndsWith($".{Assert.Single(sent)}@internaldesk", mail.MessageId);
        Assert.Equal(OutboxStatus.Sent, (await OutboxAsync()).Single(m => m.Channel == OutboxChannel.Email).Status);
    }

    [Fact]
    public async Task ARefusingWebhook_IsRetried_WithTheReasonKept()
    {
        await using var db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Notifications:Webhooks:0:Name"] = "broken",
            ["Notifications:Webhooks:0:Url"] = _receiver!.Urls.First() + "/broken",
        });
        var created = await TicketFactory.FileAsync(db, db.Org.ActorFor(db.Org.Requester));
        await using (var ctx = db.NewContext())
        {
            await db.Get<NotificationService>().AddAsync(ctx, [], null, (await ctx.Tickets.FindAsync(created.Id))!, "test:broken", NotificationEvent.Breach, "Breached", db.Clock.GetUtcNow().UtcDateTime);
            await ctx.SaveChangesAsync();
        }

        Assert.Equal(1, (await db.Get<OutboxDispatcher>().DispatchAsync()).Retrying);
        var row = Assert.Single(await db.Get<OutboxDispatcher>().ListAsync(db.Org.ActorFor(db.Org.Admin)));
        Assert.Contains("503", row.LastError);
        Assert.Equal(OutboxStatus.Pending, row.Status);
    }

    [Fact]
    public async Task Preferences_ChooseTheChannels_AndSmsPagesOnlyUrgentTickets()
    {
        await _smtp.StartAsync();
        var preferences = _db.Get<PreferenceService>();
        var ian = Org.ActorFor(Org.ItAgent);

        // A mobile number is needed for text messages, and it must be in international form.
        var noPhone = await Assert.ThrowsAsync<DeskValidationException>(() => preferences.SaveMineAsync(ian,
            new PreferenceGrid(new Dictionary<NotificationEvent, NotificationChannels> { [NotificationEvent.Breach] = NotificationChannels.Sms }, null)));
        Assert.Contains("Phone", noPhone.Errors.Keys);
        var badPhone = await Assert.ThrowsAsync<DeskValidationException>(() => preferences.SaveMineAsync(ian,
            new PreferenceGrid(new Dictionary<NotificationEvent, NotificationChannels>(), "0170 123")));
        Assert.Contains("international", badPhone.Errors["Phone"]);

        // Ian: breaches in-app and by text message, no email for them; replies in-app only.
        await preferences.SaveMineAsync(ian, new PreferenceGrid(new Dictionary<NotificationEvent, NotificationChannels>
        {
            [NotificationEvent.Breach] = NotificationChannels.InApp | NotificationChannels.Sms,
            [NotificationEvent.Reply] = NotificationChannels.InApp,
        }, "+49 170 1234567"));
        Assert.Equal("+491701234567", (await preferences.GetMineAsync(ian)).Phone);

        var normal = await NotifyAsync("test:normal-breach", "Breached: first response", Org.ItAgent.Id);
        var critical = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Core switch down") with { Priority = TicketPriority.Critical });
        await using (var ctx = _db.NewContext())
        {
            var ticket = (await ctx.Tickets.FindAsync(critical.Id))!;
            await _db.Get<NotificationService>().AddAsync(ctx, [Org.ItAgent.Id, Org.ItAgent2.Id], null, ticket, "test:critical-breach", NotificationEvent.Breach,
                "Breached: first response", _db.Clock.GetUtcNow().UtcDateTime);
            await ctx.SaveChangesAsync();
        }

        var outbox = await OutboxAsync();
        Assert.DoesNotContain(outbox, m => m.Channel == OutboxChannel.Email && m.Target == Org.ItAgent.Id);
        var sms = Assert.Single(outbox, m => m.Channel == OutboxChannel.Sms);
        Assert.Equal((Org.ItAgent.Id, critical.Id), (sms.Target, sms.TicketId)); // the Normal ticket pages nobody
        Assert.Contains(outbox, m => m.Channel == OutboxChannel.Email && m.Target == Org.ItAgent2.Id); // the built-in default

        await Dispatcher.DispatchAsync();
        var text = Assert.Single(_texts);
        Assert.Equal("+491701234567", text["number"].ToString());
        Assert.StartsWith($"[{critical.Key}] Breached", text["message"].ToString());
        Assert.NotEqual(0, normal.Id);

        // An admin's default for a role applies to those who chose nothing themselves.
        await preferences.SaveRoleDefaultsAsync(Org.ActorFor(Org.Admin), Portal.Core.Security.DeskRole.Agent,
            new Dictionary<NotificationEvent, NotificationChannels> { [NotificationEvent.Assigned] = NotificationChannels.InApp });
        Assert.Equal(NotificationChannels.InApp, (await preferences.GetMineAsync(Org.ActorFor(Org.ItAgent2))).Channels[NotificationEvent.Assigned]);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => preferences.SaveRoleDefaultsAsync(ian, Portal.Core.Security.DeskRole.Agent,
            new Dictionary<NotificationEvent, NotificationChannels>()));
    }

    [Fact]
    public async Task AMalformedTemplate_OrARefusedRecipient_IsAClearEntry_AndTheRestFlows()
    {
        await _smtp.StartAsync();
        _smtp.Refused.Add(Org.ItAgent2.Email!);
        await using var db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Notifications:Email:Host"] = "127.0.0.1",
            ["Notifications:Email:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Email:Security"] = "None",
            ["Notifications:Templates:ChatText"] = "{key} {ticket_title}",
            ["Notifications:Webhooks:0:Name"] = "chat",
            ["Notifications:Webhooks:0:Url"] = _receiver!.Urls.First() + "/hook",
            ["Notifications:Webhooks:0:Format"] = "Slack",
        });
        var created = await TicketFactory.FileAsync(db, db.Org.ActorFor(db.Org.Requester));
        await using (var ctx = db.NewContext())
        {
            await db.Get<NotificationService>().AddAsync(ctx, [db.Org.ItAgent.Id, db.Org.ItAgent2.Id], null, (await ctx.Tickets.FindAsync(created.Id))!,
                "test:bad", NotificationEvent.Breach, "Breached", db.Clock.GetUtcNow().UtcDateTime);
            await ctx.SaveChangesAsync();
        }

        var result = await db.Get<OutboxDispatcher>().DispatchAsync();

        Assert.Equal((1, 2), (result.Sent, result.Retrying));
        var rows = await db.Get<OutboxDispatcher>().ListAsync(db.Org.ActorFor(db.Org.Admin));
        var chat = rows.Single(r => r.Channel == OutboxChannel.Webhook);
        Assert.Contains("Notifications:Templates:ChatText", chat.LastError);
        Assert.Contains("{ticket_title}", chat.LastError);
        var refused = rows.Single(r => r.Channel == OutboxChannel.Email && r.Target == db.Org.ItAgent2.Id);
        Assert.Contains("550", refused.LastError);
        Assert.Equal(OutboxStatus.Sent, rows.Single(r => r.Channel == OutboxChannel.Email && r.Target == db.Org.ItAgent.Id).Status);
    }

    private sealed class RecordingChannel(OutboxChannel channel, Action<OutboxMessage> send) : INotificationChannel
    {
        public OutboxChannel Channel => channel;

        public Task SendAsync(OutboxMessage message, CancellationToken ct)
        {
            send(message);
            return Task.CompletedTask;
        }
    }
}

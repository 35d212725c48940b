using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Notifications;
using Portal.Features.Notifications;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

public class OutboxPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync()
    {
        // Email pointing at a port where nothing listens, one attempt allowed: the message goes to dead letter at once.
        _db = await TestDatabase.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Notifications:MaxAttempts"] = "1",
            ["Notifications:Email:Host"] = "127.0.0.1",
            ["Notifications:Email:Port"] = TestSmtpServer.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:Email:Security"] = "None",
        });
        var created = await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester));
        await using (var ctx = _db.NewContext())
        {
            await _db.Get<NotificationService>().AddAsync(ctx, [_db.Org.ItAgent.Id], null, (await ctx.Tickets.FindAsync(created.Id))!, "test:page",
                NotificationEvent.Breach, "Breached: first response", _db.Clock.GetUtcNow().UtcDateTime);
            await ctx.SaveChangesAsync();
        }

        await _db.Get<OutboxDispatcher>().DispatchAsync();
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Admin_SeesTheDeadLetterWithItsReason_AndRetriesIt()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.Admin, s => s.AddSingleton(_db.Get<OutboxDispatcher>()));
        var cut = ctx.Render<OutboxPage>();

        cut.WaitForAssertion(() => Assert.Contains("Dead letter", cut.Find("[data-testid=outbox]").TextContent));
        Assert.Contains("Could not deliver through the mail server 127.0.0.1", cut.Find("[data-testid=outbox]").TextContent);
        Assert.Contains("Ian Agent", cut.Find("[data-testid=outbox]").TextContent);

        cut.Find("[data-testid=retry]").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=retry]")));
        await using var db = _db.NewContext();
        var message = await db.OutboxMessages.SingleAsync();
        Assert.Equal((OutboxStatus.Pending, 0), (message.Status, message.Attempts));
    }

    [Fact]
    public async Task RetryAll_PutsEveryDeadLetterBackInLine()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.Admin, s => s.AddSingleton(_db.Get<OutboxDispatcher>()));
        var cut = ctx.Render<OutboxPage>();
        cut.WaitForElement("[data-testid=retry-all]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=retry-all]")));
        Assert.Contains("Next try", cut.Find("[data-testid=outbox]").TextContent);
        await Assert.ThrowsAsync<Portal.Core.Common.DeskForbiddenException>(() => _db.Get<OutboxDispatcher>().RetryAllDeadAsync(_db.Org.ActorFor(_db.Org.ItSupervisor)));
    }

    [Fact]
    public async Task NonAdmin_IsRefused()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.ItSupervisor, s => s.AddSingleton(_db.Get<OutboxDispatcher>()));
        var cut = ctx.Render<OutboxPage>();
        cut.WaitForAssertion(() => Assert.Contains("Only admins", cut.Find("[data-testid=problem]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=outbox]"));
    }
}

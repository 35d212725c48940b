using Portal.Core.Notifications;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

public class NotificationServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task EachPersonSeesOnlyTheirOwn_AndMarkAllReadClearsTheCount()
    {
        var ticket = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        await using (var ctx = _db.NewContext())
        {
            // The one who caused it is left out; the others get one each.
            var entity = await ctx.Tickets.FindAsync(ticket.Id);
            _db.Get<NotificationService>().Add(ctx, [Org.ItAgent.Id, Org.ItAgent.Id, Org.ItAgent2.Id, Org.ItSupervisor.Id], Org.ItSupervisor.Id,
                entity!, "test:1", "Escalated", _db.Clock.GetUtcNow().UtcDateTime);
            await ctx.SaveChangesAsync();
        }

        var notifications = _db.Get<NotificationService>();
        var ian = Org.ActorFor(Org.ItAgent);
        Assert.Equal(1, await notifications.UnreadCountAsync(ian));
        Assert.Equal(0, await notifications.UnreadCountAsync(Org.ActorFor(Org.ItSupervisor)));
        var item = Assert.Single(await notifications.ListAsync(ian));
        Assert.Equal("IT-1", item.TicketKey);
        Assert.False(item.IsRead);

        await notifications.MarkAllReadAsync(ian);

        Assert.Equal(0, await notifications.UnreadCountAsync(ian));
        Assert.True(Assert.Single(await notifications.ListAsync(ian)).IsRead);
        Assert.Equal(1, await notifications.UnreadCountAsync(Org.ActorFor(Org.ItAgent2)));
    }
}

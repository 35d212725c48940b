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
            await _db.Get<NotificationService>().AddAsync(ctx, [Org.ItAgent.Id, Org.ItAgent.Id, Org.ItAgent2.Id, Org.ItSupervisor.Id], Org.ItSupervisor.Id,
                entity!, "test:1", NotificationEvent.Breach, "Escalated", _db.Clock.GetUtcNow().UtcDateTime);
            await ctx.SaveChangesAsync();
        }

        var notifications = _db.Get<NotificationService>();
        var ian = Org.ActorFor(Org.ItAgent);
        Assert.Equal(1, await notifications.UnreadCountAsync(ian));
        Assert.Equal(0, await notifications.UnreadCountAsync(Org.ActorFor(Org.ItSupervisor)));
        var item = Assert.Single(await notifications.ListAsync(ian));
        Assert.Equal("IT-1", item.TicketKey);
        Assert.False(item.IsRead);

        // Marking someone else's notification read does nothing; one's own, that one.
        await notifications.MarkReadAsync(Org.ActorFor(Org.ItAgent2), item.Id);
        Assert.Equal(1, await notifications.UnreadCountAsync(ian));
        await notifications.MarkReadAsync(ian, item.Id);
        Assert.Equal(0, await notifications.UnreadCountAsync(ian));

        await notifications.MarkAllReadAsync(ian);

        Assert.Equal(0, await notifications.UnreadCountAsync(ian));
        Assert.True(Assert.Single(await notifications.ListAsync(ian)).IsRead);
        Assert.Equal(1, await notifications.UnreadCountAsync(Org.ActorFor(Org.ItAgent2)));
    }

    [Fact]
    public async Task PublishedChanges_SayWhomTheyNotified_SoOtherPagesNeedNotCountAgain()
    {
        var tickets = _db.Get<Portal.Core.Handling.TicketCommands>();
        var reads = _db.Get<Portal.Core.Handling.TicketQueries>();
        var changes = new List<Portal.Core.Tickets.TicketChanged>();
        _db.Get<Portal.Core.Tickets.TicketChangeFeed>().Changed += changes.Add;
        var sue = Org.ActorFor(Org.ItSupervisor);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var t = await reads.GetAsync(sue, created.Id);
        await tickets.UpdateAsync(sue, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { AssigneeId = Org.ItAgent2.Id });
        await tickets.ReplyAsync(sue, created.Id, "Checking", isPublic: false, []);

        Assert.Equal(3, changes.Count);
        Assert.All(changes, c => Assert.NotNull(c.Notified));
        Assert.Equal([Org.ItAgent2.Id], changes[1].Notified!);
        Assert.Equal([Org.ItAgent2.Id], changes[2].Notified!);
        Assert.DoesNotContain(Org.Requester.Id, changes[2].Notified!);
    }

    [Fact]
    public async Task SharedUnreadCount_FollowsPublishedChangesAndMarkRead()
    {
        var tickets = _db.Get<Portal.Core.Handling.TicketCommands>();
        var reads = _db.Get<Portal.Core.Handling.TicketQueries>();
        var notifications = _db.Get<NotificationService>();
        var sue = Org.ActorFor(Org.ItSupervisor);
        var ida = Org.ActorFor(Org.ItAgent2);
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        Assert.Equal(0, await notifications.UnreadCountSharedAsync(ida));

        var t = await reads.GetAsync(sue, created.Id);
        await tickets.UpdateAsync(sue, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { AssigneeId = Org.ItAgent2.Id });
        Assert.Equal(1, await notifications.UnreadCountSharedAsync(ida));
        Assert.Same(notifications.UnreadCountSharedAsync(ida), notifications.UnreadCountSharedAsync(ida));

        await notifications.MarkAllReadAsync(ida);
        Assert.Equal(0, await notifications.UnreadCountSharedAsync(ida));
    }

    [Fact]
    public async Task Assignment_RepliesAndResolution_TellTheRightPeople()
    {
        var tickets = _db.Get<Portal.Core.Handling.TicketCommands>();
        var reads = _db.Get<Portal.Core.Handling.TicketQueries>();
        var notifications = _db.Get<NotificationService>();
        var rita = Org.ActorFor(Org.Requester);
        var ian = Org.ActorFor(Org.ItAgent);
        var sue = Org.ActorFor(Org.ItSupervisor);
        var created = await TicketFactory.FileAsync(_db, rita);

        // Taking a ticket yourself tells nobody; being given one by a supervisor tells you.
        var t = await reads.GetAsync(ian, created.Id);
        await tickets.AssignToMeAsync(ian, created.Id, t.Version);
        Assert.Equal(0, await notifications.UnreadCountAsync(ian));
        t = await reads.GetAsync(sue, created.Id);
        await tickets.UpdateAsync(sue, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { AssigneeId = Org.ItAgent2.Id });
        var given = Assert.Single(await notifications.ListAsync(Org.ActorFor(Org.ItAgent2)));
        Assert.Equal($"[{created.Key}] Assigned to you by {Org.ItSupervisor.DisplayName}", given.Text);

        // An internal note stays inside the department; a public reply reaches the requester.
        await tickets.ReplyAsync(sue, created.Id, "Looks like the disk", isPublic: false, []);
        Assert.Equal(0, await notifications.UnreadCountAsync(rita));
        Assert.Equal(2, await notifications.UnreadCountAsync(Org.ActorFor(Org.ItAgent2)));
        await tickets.ReplyAsync(sue, created.Id, "We are on it", isPublic: true, []);
        Assert.Contains("New reply from", Assert.Single(await notifications.ListAsync(rita)).Text);

        // The requester's answer reaches the assignee; resolving reaches the requester.
        await tickets.ReplyAsync(rita, created.Id, "Thanks", isPublic: true, []);
        Assert.Contains("replied", (await notifications.ListAsync(Org.ActorFor(Org.ItAgent2)))[0].Text);
        t = await reads.GetAsync(sue, created.Id);
        await tickets.UpdateAsync(sue, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = Portal.Core.Tickets.TicketStatus.Resolved });
        Assert.EndsWith("Resolved", (await notifications.ListAsync(rita))[0].Text);
    }

    [Fact]
    public async Task AMention_ReachesThatPersonOfTheDepartmentOnce_AndNobodyOutsideIt()
    {
        var tickets = _db.Get<Portal.Core.Handling.TicketCommands>();
        var reads = _db.Get<Portal.Core.Handling.TicketQueries>();
        var notifications = _db.Get<NotificationService>();
        var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var t = await reads.GetAsync(Org.ActorFor(Org.ItAgent), created.Id);
        await tickets.AssignToMeAsync(Org.ActorFor(Org.ItAgent), created.Id, t.Version);

        // Ian is the assignee and mentioned: one notification, the mention. Hal works in HR: not reachable from an IT note.
        await tickets.ReplyAsync(Org.ActorFor(Org.ItSupervisor), created.Id, "@ian.agent and @ida.agent, see the log; cc @hal.agent. Mail me at sue@x.example",
            isPublic: false, []);

        var ian = await notifications.ListAsync(Org.ActorFor(Org.ItAgent));
        Assert.Equal($"[{created.Key}] {Org.ItSupervisor.DisplayName} mentioned you in an internal note", Assert.Single(ian).Text);
        Assert.Single(await notifications.ListAsync(Org.ActorFor(Org.ItAgent2)));
        Assert.Empty(await notifications.ListAsync(Org.ActorFor(Org.HrAgent)));
        Assert.Empty(await notifications.ListAsync(Org.ActorFor(Org.Requester)));
    }
}

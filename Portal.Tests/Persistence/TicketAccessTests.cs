using Microsoft.EntityFrameworkCore;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>The one ticket access rule says the same in a query as in memory, for every role and ticket.</summary>
public sealed class TicketAccessTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task TheQueryFilter_AndTheInMemoryRule_AgreeForEveryRoleAndTicket()
    {
        var org = _db.Org;
        var tickets = _db.Get<TicketCommands>();
        var filing = _db.Get<TicketFiling>();
        var it = await filing.CreateAsync(org.ActorFor(org.Requester), TicketFactory.Laptop(org));
        var hr = await filing.CreateAsync(org.ActorFor(org.OtherRequester), TicketFactory.Payroll(org));
        var watched = await filing.CreateAsync(org.ActorFor(org.OtherRequester), TicketFactory.Laptop(org, "Watched by Rita"));
        await tickets.SetWatcherAsync(org.ActorFor(org.ItAgent), watched.Id, org.Requester.Id, watch: true);

        await using var db = _db.NewContext();
        var all = await db.Tickets.AsNoTracking().Include(t => t.Watchers).ToListAsync();
        foreach (var (role, user) in org.ByRole)
        {
            var actor = org.ActorFor(user);
            var queried = await db.Tickets.Where(TicketAccess.Visible(actor)).Select(t => t.Id).OrderBy(id => id).ToListAsync();
            var inMemory = all.Where(t => TicketAccess.MaySee(actor, t)).Select(t => t.Id).OrderBy(id => id).ToList();
            Assert.True(queried.SequenceEqual(inMemory), role);
        }

        Assert.Contains(watched.Id, await db.Tickets.Where(TicketAccess.Visible(org.ActorFor(org.Requester))).Select(t => t.Id).ToListAsync());
        Assert.DoesNotContain(hr.Id, await db.Tickets.Where(TicketAccess.Visible(org.ActorFor(org.ItAgent))).Select(t => t.Id).ToListAsync());
        Assert.Contains(it.Id, await db.Tickets.Where(TicketAccess.Visible(org.ActorFor(org.ItAgent))).Select(t => t.Id).ToListAsync());
    }
}

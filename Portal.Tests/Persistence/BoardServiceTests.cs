using Portal.Core.Common;
using Portal.Core.Reporting;
using Portal.Core.Sla;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

public class BoardServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();
    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Board_CountsAtRiskAndBreached_ForTheActorsDepartmentsOnly()
    {
        var early = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, "Filed first"));
        _db.Clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(30));
        var late = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, "Filed later"));
        await _db.Get<Portal.Core.Handling.TicketFiling>().CreateAsync(Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org));
        _db.Clock.Advance(TimeSpan.FromMinutes(31));
        await _db.Get<SlaService>().RecomputeAsync(q => q);

        var board = await _db.Get<BoardService>().GetAsync(Org.ActorFor(Org.ItSupervisor));

        // The first (4 h first response) has breached; the later one is not yet at risk; HR is not Sue's.
        var ticket = Assert.Single(board.Tickets);
        Assert.Equal(early.Id, ticket.Id);
        Assert.True(ticket.Breached);
        Assert.Equal(SlaMetric.FirstResponse, ticket.Metric);
        Assert.Equal(1, board.Breached);
        Assert.Equal("IT", Assert.Single(board.ByDepartment).Name);
        Assert.DoesNotContain(board.Tickets, t => t.Id == late.Id);

        _db.Clock.Advance(TimeSpan.FromHours(3));
        await _db.Get<SlaService>().RecomputeAsync(q => q);
        var later = await _db.Get<BoardService>().GetAsync(Org.ActorFor(Org.ItSupervisor));
        // The later one is now due within the hour: at risk.
        Assert.Equal(1, later.Breached);
        Assert.Equal(1, later.AtRisk);
        Assert.Equal(late.Id, later.Tickets.Single(t => !t.Breached).Id);
        Assert.Equal(2, (await _db.Get<BoardService>().GetAsync(Org.ActorFor(Org.Admin))).Tickets.Count(t => t.DepartmentName == "IT"));
    }

    [Fact]
    public async Task Counts_CoverEveryUrgentTicket_WhenTheListIsCut()
    {
        var tickets = _db.Get<Portal.Core.Handling.TicketCommands>();
        var reads = _db.Get<Portal.Core.Handling.TicketQueries>();
        for (var i = 0; i < 4; i++)
            await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, $"Breaching {i}"));
        var assigned = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, "Assigned"));
        await tickets.AssignToMeAsync(Org.ActorFor(Org.ItAgent), assigned.Id, (await reads.GetAsync(Org.ActorFor(Org.ItAgent), assigned.Id)).Version);
        _db.Clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(30));
        for (var i = 0; i < 2; i++)
            await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, $"At risk {i}"));
        _db.Clock.Advance(TimeSpan.FromMinutes(31));
        await _db.Get<SlaService>().RecomputeAsync(q => q);

        var board = await new BoardService(_db.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Core.Persistence.DeskDbContext>>(), _db.Clock, _db.Get<Portal.Core.Tickets.TicketChangeFeed>()) { ListLimit = 2 }.GetAsync(Org.ActorFor(Org.ItSupervisor));

        // Five breached (first response of four hours gone), none at risk yet (the later two have 3 h left) ...
        Assert.Equal(2, board.Tickets.Count);
        Assert.True(board.Truncated);
        Assert.Equal(5, board.Breached);
        Assert.Equal(0, board.AtRisk);
        Assert.Equal(new BoardCount("IT", 0, 5), Assert.Single(board.ByDepartment));
        Assert.Contains(new BoardCount("Unassigned", 0, 4), board.ByAgent);
        Assert.Contains(new BoardCount("Ian Agent", 0, 1), board.ByAgent);
        Assert.Equal(1, board.Workload.Single(a => a.Name == "Ian Agent").Breached);

        // ... and 2 h 45 min later the later two are due within the hour: at risk, counted once each although both
        // their first response and their resolution targets are running.
        _db.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(45));
        await _db.Get<SlaService>().RecomputeAsync(q => q);
        var later = await new BoardService(_db.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Core.Persistence.DeskDbContext>>(), _db.Clock, _db.Get<Portal.Core.Tickets.TicketChangeFeed>()) { ListLimit = 2 }.GetAsync(Org.ActorFor(Org.ItSupervisor));
        Assert.Equal(5, later.Breached);
        Assert.Equal(2, later.AtRisk);
    }

    [Fact]
    public async Task SharedBoard_IsReadOncePerChange_AndAgainAfterAChangeOrFiveSeconds()
    {
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, "First"));
        _db.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        await _db.Get<SlaService>().RecomputeAsync(q => q);
        var boards = _db.Get<BoardService>();

        // Many boards asking at once get the same reading.
        var views = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => boards.GetSharedAsync(Org.ActorFor(Org.ItSupervisor))));
        Assert.All(views, v => Assert.Same(views[0], v));
        Assert.Equal(1, views[0].Breached);

        // A change (published after its commit) makes the next board read again at once, and it shows the change:
        // a Critical ticket is at risk from the start (its first response is due within the hour).
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester),
            TicketFactory.Laptop(Org, "Second") with { Priority = Portal.Core.Tickets.TicketPriority.Critical });
        var after = await boards.GetSharedAsync(Org.ActorFor(Org.ItSupervisor));
        Assert.NotSame(views[0], after);
        Assert.Equal(1, after.AtRisk);

        // Without a change it is reused for five seconds, then read again (targets move into risk by time alone).
        Assert.Same(after, await boards.GetSharedAsync(Org.ActorFor(Org.ItSupervisor)));
        _db.Clock.Advance(BoardService.SharedFor);
        Assert.NotSame(after, await boards.GetSharedAsync(Org.ActorFor(Org.ItSupervisor)));

        // Another set of departments has its own board, and a requester none.
        var admin = await boards.GetSharedAsync(Org.ActorFor(Org.Admin));
        Assert.NotSame(after, admin);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => boards.GetSharedAsync(Org.ActorFor(Org.OtherRequester)));
    }

    [Fact]
    public async Task Workload_CountsOpenTicketsPerAgent_AndShowsWhoIsAway()
    {
        var tickets = _db.Get<Portal.Core.Handling.TicketCommands>();
        var reads = _db.Get<Portal.Core.Handling.TicketQueries>();
        for (var i = 0; i < 2; i++)
        {
            var created = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester));
            await tickets.AssignToMeAsync(Org.ActorFor(Org.ItAgent), created.Id, (await reads.GetAsync(Org.ActorFor(Org.ItAgent), created.Id)).Version);
        }

        await _db.Get<Portal.Core.Users.ActorService>().SetAwayAsync(Org.ActorFor(Org.ItAgent2), true);
        var board = await _db.Get<BoardService>().GetAsync(Org.ActorFor(Org.ItSupervisor));
        var ian = board.Workload.Single(a => a.Name == "Ian Agent");
        Assert.Equal(2, ian.Open);
        Assert.Equal("Service Desk", ian.Teams);
        Assert.False(ian.Away);
        Assert.True(board.Workload.Single(a => a.Name == "Ida Agent").Away);
        Assert.DoesNotContain(board.Workload, a => a.Name == "Hal Agent");
    }

    [Fact]
    public async Task Board_IsNotForRequesters() =>
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<BoardService>().GetAsync(Org.ActorFor(Org.Requester)));
}

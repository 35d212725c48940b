using Portal.Core.Common;
using Portal.Core.Reporting;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>The measures read from real tickets, and only from the departments the reader may see.</summary>
public class ReportFactsTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task TheMeasures_ComeFromWhatTheSlaRecorded_ForTheReadersDepartmentsOnly()
    {
        // Monday 23 November 09:00: two IT tickets and one HR ticket; IT answers one after 30 minutes and resolves it an hour later.
        var start = _db.Clock.GetUtcNow().UtcDateTime;
        var answered = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Answered"));
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Waiting"));
        await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Payroll(Org));
        var tickets = _db.Get<TicketCommands>();
        var reads = _db.Get<TicketQueries>();
        var ian = Org.ActorFor(Org.ItAgent);
        _db.Clock.Advance(TimeSpan.FromMinutes(30));
        await tickets.ReplyAsync(ian, answered.Id, "Looking at it now.", isPublic: true, []);
        _db.Clock.Advance(TimeSpan.FromHours(1));
        var t = await reads.GetAsync(ian, answered.Id);
        await tickets.UpdateAsync(ian, answered.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved });
        var end = start.AddDays(1);

        var it = await _db.Get<ReportFacts>().ReadAsync(Org.ActorFor(Org.ItSupervisor), null, start, end);
        Assert.Equal(2, it.Count);
        Assert.Equal(2, Measures.Created(it, start, end));
        Assert.Equal(1, Measures.Resolved(it, start, end));
        Assert.Equal(TimeSpan.FromMinutes(30), Measures.FirstResponseTime(it, start, end, business: false).Median);
        Assert.Equal(TimeSpan.FromMinutes(90), Measures.ResolutionTime(it, start, end, business: false).Median);
        Assert.Equal(1.0, Measures.FirstResponseCompliance(it, start, end).Rate);
        Assert.Single(Measures.Backlog(it, end));

        var all = await _db.Get<ReportFacts>().ReadAsync(Org.ActorFor(Org.Admin), null, start, end);
        Assert.Equal(3, all.Count);
        // An HR agent reads HR's figures, never IT's.
        var hal = Org.ActorFor(Org.HrAgent);
        Assert.All(await _db.Get<ReportFacts>().ReadAsync(hal, null, start, end), f => Assert.Equal(Org.Hr.Id, f.DepartmentId));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<ReportFacts>().ReadAsync(hal, [Org.It.Id], start, end));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<ReportFacts>().ReadAsync(Org.ActorFor(Org.Requester), null, start, end));
        // A ticket resolved before the period counts for nothing in it, and is not read.
        Assert.DoesNotContain(await _db.Get<ReportFacts>().ReadAsync(Org.ActorFor(Org.Admin), null, end, end.AddDays(1)), f => f.TicketId == answered.Id);
        Assert.Equal(SlaState.Met, it.Single(f => f.TicketId == answered.Id).ResolutionState);
    }
}

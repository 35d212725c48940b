using Portal.Core.Common;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

public class QueueServiceTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private QueueService Queue => _db.Get<QueueService>();
    private TicketCommands Tickets => _db.Get<TicketCommands>();

    private TicketFiling Filing => _db.Get<TicketFiling>();
    private TicketQueries Reads => _db.Get<TicketQueries>();
    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        var rita = Org.ActorFor(Org.Requester);
        var agent = Org.ActorFor(Org.ItAgent);
        string[] titles = ["Printer jam", "VPN broken", "Laptop slow", "Mouse missing", "Screen cracked"];
        foreach (var (title, i) in titles.Select((t, i) => (t, i)))
        {
            _db.Clock.Advance(TimeSpan.FromMinutes(10));
            var created = await Filing.CreateAsync(rita, TicketFactory.Laptop(Org, title));
            if (i % 2 == 0)
            {
                var t = await Reads.GetAsync(agent, created.Id);
                await Tickets.UpdateAsync(agent, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with
                {
                    AssigneeId = Org.ItAgent.Id,
                    Priority = i == 4 ? TicketPriority.Critical : TicketPriority.High,
                    Status = i == 2 ? TicketStatus.Resolved : TicketStatus.Open,
                });
            }
        }

        await Filing.CreateAsync(rita, TicketFactory.Payroll(Org, "HR only"));
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private Task<PagedResult<TicketSummary>> Query(QueueQuery q) => Queue.QueryAsync(Org.ActorFor(Org.ItAgent), q);

    [Fact]
    public async Task Query_DefaultsToEveryTicketOfTheDepartment_NewestUpdateFirst()
    {
        var page = await Query(new QueueQuery(Org.It.Id));
        Assert.Equal(5, page.Total);
        Assert.DoesNotContain(page.Items, t => t.Title == "HR only");
        Assert.Equal("Screen cracked", page.Items[0].Title);
    }

    [Fact]
    public async Task Query_OpenStatuses_LeaveResolvedOut()
    {
        var page = await Query(new QueueQuery(Org.It.Id, Statuses: QueueQuery.OpenStatuses));
        Assert.Equal(4, page.Total);
        Assert.DoesNotContain(page.Items, t => t.Status == TicketStatus.Resolved);
    }

    [Fact]
    public async Task Query_Filters_Combine()
    {
        Assert.Equal(3, (await Query(new QueueQuery(Org.It.Id, AssigneeId: Org.ItAgent.Id))).Total);
        Assert.Equal(2, (await Query(new QueueQuery(Org.It.Id, UnassignedOnly: true))).Total);
        Assert.Equal("Screen cracked", Assert.Single((await Query(new QueueQuery(Org.It.Id, Priority: TicketPriority.Critical))).Items).Title);
        Assert.Equal(5, (await Query(new QueueQuery(Org.It.Id, CategoryId: Org.Laptop.Id))).Total);
    }

    [Theory]
    [InlineData("vpn", "VPN broken")]
    [InlineData("IT-3", "Laptop slow")]
    [InlineData("4", "Mouse missing")]
    [InlineData("#2", "VPN broken")]
    [InlineData("it-5", "Screen cracked")]
    public async Task Query_Text_FindsByTitleOrNumber(string text, string expected)
    {
        var page = await Query(new QueueQuery(Org.It.Id, Text: text));
        Assert.Contains(page.Items, t => t.Title == expected);
    }

    [Fact]
    public async Task Query_NumberOfTheDepartment_FindsOnlyThatTicket()
    {
        var page = await Query(new QueueQuery(Org.It.Id, Text: "IT-2"));
        Assert.Equal("VPN broken", Assert.Single(page.Items).Title);
    }

    [Fact]
    public async Task Query_TextWithADashThatIsNoNumber_SearchesTitles()
    {
        var created = await Filing.CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Wi-Fi drops after COVID-19 update"));
        Assert.Equal(created.Id, Assert.Single((await Query(new QueueQuery(Org.It.Id, Text: "covid-19"))).Items).Id);
        Assert.Equal(created.Id, Assert.Single((await Query(new QueueQuery(Org.It.Id, Text: "WI-FI"))).Items).Id);
    }

    [Fact]
    public async Task Query_SortAndPage()
    {
        var first = await Query(new QueueQuery(Org.It.Id, Sort: QueueSort.Number, Descending: false, Page: 1, PageSize: 2));
        var second = await Query(new QueueQuery(Org.It.Id, Sort: QueueSort.Number, Descending: false, Page: 2, PageSize: 2));
        Assert.Equal(["IT-1", "IT-2"], first.Items.Select(t => t.Key));
        Assert.Equal(["IT-3", "IT-4"], second.Items.Select(t => t.Key));
        Assert.Equal(3, first.PageCount);
        var byPriority = await Query(new QueueQuery(Org.It.Id, Sort: QueueSort.Priority, Descending: true));
        Assert.Equal(TicketPriority.Critical, byPriority.Items[0].Priority);
    }

    [Fact]
    public async Task Query_AgentOfAnotherDepartment_IsRefused() =>
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Queue.QueryAsync(Org.ActorFor(Org.HrAgent), new QueueQuery(Org.It.Id)));

    [Fact]
    public async Task Query_PageSizeIsCapped()
    {
        var page = await Query(new QueueQuery(Org.It.Id, PageSize: 100_000));
        Assert.Equal(QueueService.MaxPageSize, page.PageSize);
    }
}

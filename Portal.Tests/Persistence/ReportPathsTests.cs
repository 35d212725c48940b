using Portal.Core.Escalations;
using Portal.Core.Reporting;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>
/// Dashboards read each figure the cheapest way (rollups, open tickets, ranks worked out by the database, escalation
/// counts per day); on real tickets every such table equals the same measure computed from all the facts.
/// </summary>
public class ReportPathsTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.Get<EscalationAdminService>().SaveAsync(Org.ActorFor(Org.Admin), new PathInput(null, "IT first response", true, Org.It.Id, null,
        [
            new LevelInput(1, SlaMetric.FirstResponse, EscalationTrigger.Fraction, 0.5m, null, new EscalationActions { NotifyAssignee = true }),
            new LevelInput(2, SlaMetric.FirstResponse, EscalationTrigger.AtBreach, null, null, new EscalationActions { RaisePriority = true }),
        ]));
        var tickets = _db.Get<TicketCommands>();
        var reads = _db.Get<TicketQueries>();
        var ian = Org.ActorFor(Org.ItAgent);
        var hal = Org.ActorFor(Org.HrAgent);
        // Nine tickets over three days, answered after different waits, some resolved, one reopened, some left to escalate.
        for (var i = 0; i < 9; i++)
        {
            var it = i % 3 != 2;
            var created = await TicketFactory.FileAsync(_db, Org.ActorFor(it ? Org.Requester : Org.OtherRequester),
                it ? TicketFactory.Laptop(Org, $"Laptop {i}") : TicketFactory.Payroll(Org, $"Payroll {i}"));
            var agent = it ? ian : hal;
            _db.Clock.Advance(TimeSpan.FromMinutes(15 + 40 * i));
            if (i % 4 != 3)
                await tickets.ReplyAsync(agent, created.Id, "On it.", isPublic: true, []);
            if (i % 2 == 0)
            {
                _db.Clock.Advance(TimeSpan.FromHours(i));
                var t = await reads.GetAsync(agent, created.Id);
                await tickets.UpdateAsync(agent, created.Id, t.Version, TicketServiceTests.TicketEditModelFor(t) with { Status = TicketStatus.Resolved });
                if (i == 4)
                    await tickets.ReplyAsync(Org.ActorFor(Org.Requester), created.Id, "Not fixed.", isPublic: true, []);
            }

            _db.Clock.Advance(TimeSpan.FromHours(7));
            await _db.Get<EscalationService>().SweepAsync();
        }
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task EveryWayOfReadingAFigure_GivesTheTableTheFactsGive()
    {
        var reports = _db.Get<ReportService>();
        var admin = Org.ActorFor(Org.Admin);
        var now = _db.Clock.GetUtcNow().UtcDateTime;
        var (from, to) = (now.Date.AddDays(-6), now.Date.AddDays(1));
        var all = await reports.LoadAsync(admin, null, from, to);
        Assert.True(all.Facts.Count >= 9 && all.Firings.Count > 0);
        foreach (var m in Reports.All.Select(i => i.Measure))
        {
            foreach (var by in new Dimension?[] { null, Dimension.Department, Dimension.Level })
            {
                foreach (var business in new[] { true, false })
                {
                    var cheap = await reports.TableAsync(admin, null, m, ReportFilter.None, by, null, business, from, to);
                    var full = Reports.Table(all, m, ReportFilter.None, by, null, business);
                    Assert.True(ReportTables.Describe(full) == ReportTables.Describe(cheap), $"{m} by {by} ({(business ? "business" : "calendar")}):\n{ReportTables.Describe(full)}\n---\n{ReportTables.Describe(cheap)}");
                }
            }

            var filtered = new ReportFilter(Priority: TicketPriority.High);
            Assert.Equal(ReportTables.Describe(Reports.Table(all, m, filtered, null, Granularity.Day, true)),
                ReportTables.Describe(await reports.TableAsync(admin, null, m, filtered, null, Granularity.Day, true, from, to)));
        }
    }
}

using Portal.Core.Reporting;
using Portal.Core.Sla;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Core.Reporting;

/// <summary>
/// Property: on random tickets, every counting measure computed from the daily rollups equals the same measure computed
/// from the tickets themselves, for every breakdown and trend (the dashboards use the rollups, the definitions are the facts').
/// </summary>
public class RollupEquivalenceTests
{
    private static readonly DateTime Start = new(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);

    private static List<TicketFact> RandomFacts(int seed, int count)
    {
        var random = new Random(seed);
        DateTime At(double maxDays) => Start.AddMinutes(random.Next((int)(maxDays * 1440)));
        SlaState? State() => random.Next(4) switch { 0 => SlaState.Met, 1 => SlaState.Missed, 2 => SlaState.Running, _ => null };
        return Enumerable.Range(1, count).Select(i =>
        {
            var created = At(60);
            DateTime? answered = random.Next(3) > 0 ? created.AddMinutes(random.Next(3000)) : null;
            DateTime? resolved = random.Next(3) > 0 ? created.AddMinutes(random.Next(20000)) : null;
            return new TicketFact(i, 1 + random.Next(3), random.Next(3) == 0 ? null : 10 + random.Next(2), random.Next(4) == 0 ? null : $"agent{random.Next(3)}",
                100 + random.Next(3), 200 + random.Next(2), (TicketPriority)random.Next(4), created, answered, answered is null ? null : random.Next(9000),
                answered is null ? null : State(), random.Next(4) == 0 ? created.AddHours(random.Next(100)) : null, resolved,
                resolved is null ? null : random.Next(90000), resolved is null ? null : State(), random.Next(5) == 0 ? created.AddHours(random.Next(300)) : null,
                random.Next(6) == 0 ? 1 : 0, random.Next(4));
        }).ToList();
    }

    public static TheoryData<int> Seeds() => [1, 2, 3, 4, 5];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void EveryCountingMeasure_FromRollups_EqualsTheMeasureFromTheTickets(int seed)
    {
        var facts = RandomFacts(seed, 400);
        var rollups = DailyRollups.Compute(facts);
        var from = Start.AddDays(10);
        var to = Start.AddDays(45);
        var data = new ReportData(facts, [], 201, from, to);
        foreach (var m in Reports.All.Select(i => i.Measure).Where(Reports.IsCounting))
        {
            foreach (var by in new Dimension?[] { null, Dimension.Department, Dimension.Team, Dimension.Agent, Dimension.Category, Dimension.Priority, Dimension.Type, Dimension.Level })
            {
                foreach (var trend in new Granularity?[] { null, Granularity.Day, Granularity.Week, Granularity.Month })
                {
                    var pick = m == Measure.ComplaintsReceived ? ("Type", "201") : by is null or Dimension.Department ? (DailyRollups.All, (string?)null) : (by.ToString()!, null);
                    if (m == Measure.ComplaintsReceived && by is not null)
                        continue;
                    var rows = rollups.Where(r => r.Dimension == pick.Item1 && (pick.Item2 is null || r.Key == pick.Item2)).ToList();
                    var columns = trend is { } g ? Breakdowns.Buckets(from, to, g) : [new Bucket(from, to, "Total")];
                    var fromRollups = Reports.FromRollups(rows, m, by, columns, true);
                    var fromFacts = Reports.Table(data, m, ReportFilter.None, by, trend, true);
                    Assert.Equal(ReportTables.Describe(fromFacts), ReportTables.Describe(fromRollups));
                }
            }
        }
    }

    [Fact]
    public void AFilterNamingOneGroup_ReadsThatGroupsRollups()
    {
        var facts = RandomFacts(7, 300);
        var rollups = DailyRollups.Compute(facts);
        var (from, to) = (Start, Start.AddDays(70));
        var data = new ReportData(facts, [], null, from, to);
        var high = new ReportFilter(Priority: TicketPriority.High);
        var rows = rollups.Where(r => r.Dimension == "Priority" && r.Key == "High").ToList();
        var fromRollups = Reports.FromRollups(rows, Measure.Resolved, null, Breakdowns.Buckets(from, to, Granularity.Week), true);
        Assert.Equal(ReportTables.Describe(Reports.Table(data, Measure.Resolved, high, null, Granularity.Week, true)), ReportTables.Describe(fromRollups));
        Assert.True(fromRollups.Total.Cells.Sum(c => c.Value) > 0);
    }
}

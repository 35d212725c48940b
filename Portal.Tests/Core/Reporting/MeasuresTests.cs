using Portal.Core.Reporting;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Tests.Core.Reporting;

/// <summary>Each measure on a small hand-made week whose right answers are worked out by hand in the comments.</summary>
public class MeasuresTests
{
    private static readonly DateTime Monday = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime NextMonday = Monday.AddDays(7);

    private static TicketFact Fact(int id, double createdHours, double? answeredHours = null, long? answeredBusiness = null, SlaState? answerState = null,
        double? resolvedHours = null, long? resolvedBusiness = null, SlaState? resolveState = null, double? breachedHours = null, int reopens = 0) =>
        new(id, 1, null, null, 1, 1, TicketPriority.Normal, Monday.AddHours(createdHours),
            answeredHours is { } a ? Monday.AddHours(a) : null, answeredBusiness, answerState, breachedHours is { } b ? Monday.AddHours(b) : null,
            resolvedHours is { } r ? Monday.AddHours(r) : null, resolvedBusiness, resolveState, null, reopens);

    // Five tickets in the week, one from the week before, one created after it.
    private static readonly TicketFact[] Week =
    [
        Fact(1, 1, answeredHours: 2, answeredBusiness: 3600, answerState: SlaState.Met, resolvedHours: 10, resolvedBusiness: 7200, resolveState: SlaState.Met),
        Fact(2, 2, answeredHours: 6, answeredBusiness: 14400, answerState: SlaState.Missed, breachedHours: 5, resolvedHours: 30, resolvedBusiness: 28800,
            resolveState: SlaState.Met, reopens: 1),
        Fact(3, 3, answeredHours: 4, answeredBusiness: 3600, answerState: SlaState.Met),
        Fact(4, 50),
        Fact(5, 100, answeredHours: 101, answeredBusiness: 3600, answerState: SlaState.Met, resolvedHours: 200, resolvedBusiness: 36000,
            resolveState: SlaState.Missed),
        Fact(6, -20, answeredHours: -19, answeredBusiness: 3600, answerState: SlaState.Met, resolvedHours: 3, resolvedBusiness: 3600, resolveState: SlaState.Met),
        Fact(7, 170),
    ];

    [Fact]
    public void CreatedAndResolved_CountByTheirOwnInstants()
    {
        Assert.Equal(5, Measures.Created(Week, Monday, NextMonday)); // 1-5 (6 the week before, 7 after)
        Assert.Equal(3, Measures.Resolved(Week, Monday, NextMonday)); // 1 at 10 h, 2 at 30 h, 6 at 3 h (5 resolves after the week)
    }

    [Fact]
    public void ResponseAndResolutionTimes_AreMedianAndNearestRankP90_InCalendarAndBusinessTime()
    {
        // First answers in the week: tickets 1 (1 h), 2 (4 h), 3 (1 h), 5 (1 h); 6 was answered the week before.
        var calendar = Measures.FirstResponseTime(Week, Monday, NextMonday, business: false);
        Assert.Equal((4, TimeSpan.FromHours(1), TimeSpan.FromHours(4)), (calendar.Count, calendar.Median!.Value, calendar.P90!.Value));
        var business = Measures.FirstResponseTime(Week, Monday, NextMonday, business: true);
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromHours(4)), (business.Median!.Value, business.P90!.Value));
        // Resolved in the week: 6 (23 h), 1 (9 h), 2 (28 h): median 23 h, p90 28 h; business 1 h, 2 h, 8 h.
        var resolution = Measures.ResolutionTime(Week, Monday, NextMonday, business: false);
        Assert.Equal((3, TimeSpan.FromHours(23), TimeSpan.FromHours(28)), (resolution.Count, resolution.Median!.Value, resolution.P90!.Value));
        Assert.Equal(TimeSpan.FromHours(2), Measures.ResolutionTime(Week, Monday, NextMonday, business: true).Median);
        Assert.Equal(new DurationStats(0, null, null), Measures.ResolutionTime(Week, NextMonday, NextMonday.AddDays(1), business: false));
    }

    [Fact]
    public void Compliance_IsMetOverMetAndMissed_OfTargetsThatEndedInThePeriod()
    {
        var first = Measures.FirstResponseCompliance(Week, Monday, NextMonday);
        Assert.Equal((3, 1, 0.75), (first.Met, first.Missed, first.Rate!.Value));
        var resolution = Measures.ResolutionCompliance(Week, Monday, NextMonday);
        Assert.Equal((3, 0), (resolution.Met, resolution.Missed)); // 5 missed, but after the week
        Assert.Null(Measures.ResolutionCompliance([], Monday, NextMonday).Rate);
        Assert.Equal(1, Measures.Breaches(Week, Monday, NextMonday));
    }

    [Fact]
    public void TheBacklog_IsWhatWasOpenAtTheInstant_WithItsAge_AndTheReopenRateComesFromResolvedTickets()
    {
        // Open at the week's end: 3 (answered, never resolved), 4, and 5 (resolved after). 7 was created after it.
        var backlog = Measures.Backlog(Week, NextMonday);
        Assert.Equal([3, 4, 5], backlog.Select(f => f.TicketId));
        var age = Measures.BacklogAge(Week, NextMonday);
        Assert.Equal((TimeSpan.FromHours(118), TimeSpan.FromHours(165)), (age.Median!.Value, age.P90!.Value)); // 165 h, 118 h, 68 h
        Assert.Equal(1.0 / 3, Measures.ReopenRate(Week, Monday, NextMonday)!.Value, 6); // of 1, 2, 6 only 2 was reopened
    }
}

/// <summary>Breakdowns by a dimension and trends cut into days, ISO weeks and months.</summary>
public class BreakdownsTests
{
    [Fact]
    public void Buckets_CoverThePeriod_CutToItsEnds_WithReadableLabels()
    {
        var from = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc); // a Wednesday
        var to = new DateTime(2026, 12, 9, 0, 0, 0, DateTimeKind.Utc);
        var weeks = Breakdowns.Buckets(from, to, Granularity.Week);
        Assert.Equal(["2026-W48", "2026-W49", "2026-W50"], weeks.Select(b => b.Label));
        Assert.Equal(from, weeks[0].Start);
        Assert.Equal(new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc), weeks[1].Start);
        Assert.Equal(to, weeks[^1].End);
        Assert.Equal(["2026-11", "2026-12"], Breakdowns.Buckets(from, to, Granularity.Month).Select(b => b.Label));
        Assert.Equal(14, Breakdowns.Buckets(from, to, Granularity.Day).Count);
    }

    [Fact]
    public void Facts_GroupByEachDimension_UnassignedAndTeamlessUnderAnEmptyKey()
    {
        var at = new DateTime(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);
        TicketFact F(int id, int dept, int? team, string? agent, TicketPriority p) =>
            new(id, dept, team, agent, 10 + dept, 1, p, at, null, null, null, null, null, null, null, null, 0);
        TicketFact[] facts = [F(1, 1, 5, "ian", TicketPriority.High), F(2, 1, null, null, TicketPriority.Low), F(3, 2, 6, "hal", TicketPriority.High)];
        Assert.Equal(2, Breakdowns.By(facts, Dimension.Department)["1"].Count);
        Assert.Equal([2], Breakdowns.By(facts, Dimension.Team)[""].Select(f => f.TicketId));
        Assert.Equal([2], Breakdowns.By(facts, Dimension.Agent)[""].Select(f => f.TicketId));
        Assert.Equal(2, Breakdowns.By(facts, Dimension.Priority)["High"].Count);
        Assert.Single(Breakdowns.By(facts, Dimension.Category)["12"]);
    }
}

using Portal.Core.Reporting;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Tests.Core.Reporting;

/// <summary>Report tables (breakdowns, trends, escalations per level, workload, complaints) and their drill-downs on hand-made tickets.</summary>
public class ReportsTests
{
    private static readonly DateTime Monday = new(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc);
    private const int Complaint = 9;

    private static TicketFact T(int id, int dept, string? agent, TicketPriority p, double createdHours, double? resolvedHours = null, int type = 1,
        SlaState? resolveState = null, int level = 0) =>
        new(id, dept, null, agent, 1, type, p, Monday.AddHours(createdHours), null, null, null, null,
            resolvedHours is { } r ? Monday.AddHours(r) : null, null, resolveState, null, 0, level);

    // Monday and Tuesday, two departments. Ticket 5 is a complaint. Two escalations fired on ticket 2 (levels 1 and 2), one on 4 (level 1).
    private static readonly ReportData Data = new(
    [
        T(1, 1, "ian", TicketPriority.High, 1, resolvedHours: 5, resolveState: SlaState.Met),
        T(2, 1, "ian", TicketPriority.Normal, 2, level: 2),
        T(3, 1, null, TicketPriority.Normal, 26, resolvedHours: 40, resolveState: SlaState.Missed),
        T(4, 2, "hal", TicketPriority.High, 27, level: 1),
        T(5, 2, "hal", TicketPriority.Low, 30, type: Complaint),
    ],
    [new FiringFact(2, 1, Monday.AddHours(3)), new FiringFact(2, 2, Monday.AddHours(6)), new FiringFact(4, 1, Monday.AddHours(28))],
    Complaint, Monday, Monday.AddDays(2));

    [Fact]
    public void Breakdown_GivesEachGroupItsOwnFigure_AndTheTotalIsTheWhole()
    {
        var created = Reports.Table(Data, Measure.Created, ReportFilter.None, Dimension.Department, null, business: true);
        Assert.Equal(["1", "2"], created.Rows.Select(r => r.Key));
        Assert.Equal([3.0, 2.0], created.Rows.Select(r => r.Cells[0].Value!.Value));
        Assert.Equal(5, created.Total.Cells[0].Value);

        // Resolution SLA met: ticket 1 met, ticket 3 missed, both in department 1: 50 %; department 2 resolved nothing.
        var compliance = Reports.Table(Data, Measure.ResolutionCompliance, ReportFilter.None, Dimension.Department, null, true);
        Assert.Equal(0.5, Assert.Single(compliance.Rows).Cells[0].Value);
    }

    [Fact]
    public void Trend_CutsThePeriodIntoDays_AndTheBacklogIsCountedAtEachDaysEnd()
    {
        var created = Reports.Table(Data, Measure.Created, ReportFilter.None, null, Granularity.Day, true);
        Assert.Equal(["2026-11-23", "2026-11-24"], created.Columns.Select(c => c.Label));
        Assert.Equal([2.0, 3.0], created.Total.Cells.Select(c => c.Value!.Value));
        // End of Monday: 2 open (1 resolved at 05:00). End of Tuesday: 2, 4 and 5 open (3 resolved at 16:00 Tuesday).
        var backlog = Reports.Table(Data, Measure.Backlog, ReportFilter.None, null, Granularity.Day, true);
        Assert.Equal([1.0, 3.0], backlog.Total.Cells.Select(c => c.Value!.Value));
    }

    [Fact]
    public void EscalationsPerLevel_CountTheLevelsThatFired()
    {
        var table = Reports.Table(Data, Measure.Escalations, ReportFilter.None, Dimension.Level, null, true);
        Assert.Equal([("1", 2.0), ("2", 1.0)], table.Rows.Select(r => (r.Key, r.Cells[0].Value!.Value)));
        Assert.Equal(3, table.Total.Cells[0].Value);
        // Behind level 1: tickets 2 and 4.
        Assert.Equal([2, 4], Reports.Drill(Data, Measure.Escalations, ReportFilter.None, Dimension.Level, "1", table.Columns[0], true).Select(f => f.TicketId));
    }

    [Fact]
    public void Workload_IsTheOpenAssignedTicketsPerAgent_AndComplaintsAreCountedByTheirType()
    {
        var workload = Reports.Table(Data, Measure.Workload, ReportFilter.None, Dimension.Agent, null, true);
        Assert.Equal([("hal", 2.0), ("ian", 1.0)], workload.Rows.Select(r => (r.Key, r.Cells[0].Value!.Value)));
        Assert.Equal(1, Reports.Table(Data, Measure.ComplaintsReceived, ReportFilter.None, null, null, true).Total.Cells[0].Value);
        Assert.Equal(1, Reports.Table(Data, Measure.ComplaintsOpen, ReportFilter.None, null, null, true).Total.Cells[0].Value);
    }

    [Fact]
    public void Filters_NarrowTheTickets_AndADrillDownListsExactlyTheTicketsBehindTheNumber()
    {
        var high = new ReportFilter(Priority: TicketPriority.High);
        var table = Reports.Table(Data, Measure.Created, high, Dimension.Department, null, true);
        Assert.Equal(2, table.Total.Cells[0].Value);
        foreach (var row in table.Rows)
        {
            var behind = Reports.Drill(Data, Measure.Created, high, Dimension.Department, row.Key, table.Columns[0], true);
            Assert.Equal(row.Cells[0].Value, behind.Count);
            Assert.All(behind, f => Assert.Equal(TicketPriority.High, f.Priority));
        }

        Assert.Equal([1, 3], Reports.Drill(Data, Measure.Resolved, ReportFilter.None, null, null, table.Columns[0], true).Select(f => f.TicketId));
    }

    [Fact]
    public void Values_AreWrittenAsPeopleReadThem()
    {
        Assert.Equal("1,234", Reports.Format(MeasureUnit.Count, 1234));
        Assert.Equal("87.5 %", Reports.Format(MeasureUnit.Rate, 0.875));
        Assert.Equal("2 d 4 h", Reports.Format(MeasureUnit.Duration, TimeSpan.FromHours(52).TotalSeconds));
        Assert.Equal("3 h 05 m", Reports.Format(MeasureUnit.Duration, TimeSpan.FromMinutes(185).TotalSeconds));
        Assert.Equal("–", Reports.Format(MeasureUnit.Rate, null));
    }
}

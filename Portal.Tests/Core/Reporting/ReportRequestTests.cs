using Portal.Core.Common;
using Portal.Core.Reporting;
using Portal.Core.Tickets;

namespace Portal.Tests.Core.Reporting;

/// <summary>A report's address carries it whole, and a custom period that makes no sense is refused naming the field.</summary>
public class ReportRequestTests
{
    private static readonly DateTime Now = new(2026, 11, 28, 10, 30, 0, DateTimeKind.Utc);

    private static ReportRequest RoundTrip(ReportRequest r)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(r.ToQuery());
        return ReportRequest.Parse(name => query.TryGetValue(name, out var v) ? v.ToString() : null);
    }

    [Fact]
    public void ARequest_SurvivesItsAddress()
    {
        var custom = new ReportRequest(Measure.ResolutionP90, null, new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31), 3, TicketPriority.High, 7,
            Dimension.Agent, Granularity.Week, Business: false, Mine: true);
        Assert.Equal(custom, RoundTrip(custom));
        var preset = new ReportRequest(Measure.Backlog, Period.LastMonth, By: Dimension.Level);
        Assert.Equal(preset, RoundTrip(preset));
    }

    [Fact]
    public void UnknownValues_FallBackToTheDefaults()
    {
        var parsed = ReportRequest.Parse(name => name switch { "measure" => "Nonsense", "period" => "42", "by" => "Colour", "department" => "x", _ => null });
        Assert.Equal(new ReportRequest(), parsed);
    }

    [Fact]
    public void Periods_AreWholeUtcDays_AndACustomOneIsChecked()
    {
        Assert.Equal((new DateTime(2026, 11, 22, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc)),
            new ReportRequest(Period: Period.Last7Days).Range(Now));
        Assert.Equal((new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc)),
            new ReportRequest(Period: Period.LastMonth).Range(Now));
        Assert.Equal((new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 10, 2, 0, 0, 0, DateTimeKind.Utc)),
            new ReportRequest(Period: null, From: new DateOnly(2026, 10, 1), To: new DateOnly(2026, 10, 1)).Range(Now));

        var missing = Assert.Throws<DeskValidationException>(() => new ReportRequest(Period: null).Range(Now));
        Assert.Equal(["From", "To"], missing.Errors.Keys.Order());
        var backwards = Assert.Throws<DeskValidationException>(() => new ReportRequest(Period: null, From: new DateOnly(2026, 10, 2), To: new DateOnly(2026, 10, 1)).Range(Now));
        Assert.Equal("To must not be before From.", backwards.Errors["To"]);
        var tooLong = Assert.Throws<DeskValidationException>(() => new ReportRequest(Period: null, From: new DateOnly(2020, 1, 1), To: new DateOnly(2026, 1, 1)).Range(Now));
        Assert.Contains("at most", tooLong.Errors["To"]);
    }
}

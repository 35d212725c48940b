using static Portal.Tests.Core.Sla.Sim;

namespace Portal.Tests.Core.Sla;

/// <summary>Rules 1 to 4 and 6 of the SLA contract: counted time over business calendars.</summary>
public class CalendarRuleTests
{
    // Berlin is UTC+1 in December: Monday works 07:00-11:00Z and 12:00-16:00Z, Tuesday to Thursday 07:00-16:00Z, Friday 07:00-14:00Z.

    [Fact]
    public void DueAt_CreatedBeforeOpening_StartsAtOpening() =>
        Assert.Equal("2026-12-07T08:00:00Z", Run(Created("2026-12-07T05:00:00Z"), "2026-12-07T05:00:00Z")["firstResponse"].DueAt);

    [Fact]
    public void DueAt_CreatedAfterFridayClosing_StartsMondayMorning() =>
        Assert.Equal("2026-12-14T08:00:00Z", Run(Created("2026-12-11T15:00:00Z"), "2026-12-11T15:00:00Z")["firstResponse"].DueAt);

    [Fact]
    public void DueAt_UsedUpExactlyAtClosing_IsTheClosingTimeNotTheNextOpening()
    {
        var r = Run(Created("2026-12-07T07:00:00Z", "Normal"), "2026-12-07T07:00:00Z");
        Assert.Equal("2026-12-07T11:00:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void DueAt_SeveralSegmentsAndDays_SkipLunchAndNights()
    {
        // 24 h of Normal resolution: Monday 8 h, Tuesday 9 h, then 7 h on Wednesday.
        var r = Run(Created("2026-12-07T07:00:00Z", "Normal"), "2026-12-07T07:00:00Z");
        Assert.Equal("2026-12-09T14:00:00Z", r["resolution"].DueAt);
    }

    [Fact]
    public void Elapsed_OverLunch_DoesNotCount()
    {
        var r = Run(Created("2026-12-07T10:30:00Z", "Normal"), "2026-12-07T12:30:00Z");
        Assert.Equal("PT1H", r["resolution"].Elapsed);
    }

    [Fact]
    public void DueAt_TouchingSegments_CountAsOne()
    {
        const string calendar = """{ "timeZone": "UTC", "week": { "Mon": ["08:00-12:00", "12:00-17:00"] } }""";
        var r = Run(Created("2026-12-07T11:30:00Z"), "2026-12-07T11:30:00Z", calendar);
        Assert.Equal("2026-12-07T12:30:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void DueAt_FullDays_LoseNoSecondAtMidnight()
    {
        const string calendar = """
            { "timeZone": "UTC", "week": { "Mon": ["00:00-24:00"], "Tue": ["00:00-24:00"], "Wed": ["00:00-24:00"], "Thu": ["00:00-24:00"],
              "Fri": ["00:00-24:00"], "Sat": ["00:00-24:00"], "Sun": ["00:00-24:00"] } }
            """;
        var r = Run(Created("2026-12-07T23:30:00Z"), "2026-12-08T00:15:00Z", calendar);
        Assert.Equal("2026-12-08T00:30:00Z", r["firstResponse"].DueAt);
        Assert.Equal("PT45M", r["firstResponse"].Elapsed);
        Assert.Equal("PT15M", r["firstResponse"].Remaining);
    }

    [Fact]
    public void DueAt_OneOffAndYearlyHolidays_AreClosedDays()
    {
        // Thursday 24 December (one-off) and Friday 25 December (yearly) are closed, then the weekend.
        var r = Run(Created("2026-12-23T15:30:00Z"), "2026-12-23T15:30:00Z");
        Assert.Equal("2026-12-28T07:30:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void DueAt_YearlyHoliday_RecursInTheNextYear()
    {
        const string calendar = """{ "timeZone": "Europe/Berlin", "week": { "Mon": ["08:00-17:00"], "Tue": ["08:00-17:00"], "Wed": ["08:00-17:00"], "Thu": ["08:00-17:00"], "Fri": ["08:00-17:00"] }, "holidays": ["01-01"] }""";
        var r = Run(Created("2026-12-31T15:30:00Z"), "2026-12-31T15:30:00Z", calendar);
        Assert.Equal("2027-01-04T07:30:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void DueAt_HolidayIn24x7Calendar_ClosesTheLocalDay()
    {
        const string calendar = """{ "timeZone": "Europe/Berlin", "holidays": ["2026-12-25"] }""";
        var exact = Run(Created("2026-12-24T22:00:00Z"), "2026-12-24T22:00:00Z", calendar);
        Assert.Equal("2026-12-24T23:00:00Z", exact["firstResponse"].DueAt);
        var over = Run(Created("2026-12-24T22:00:00Z", "Normal"), "2026-12-24T22:00:00Z", calendar);
        Assert.Equal("2026-12-26T02:00:00Z", over["firstResponse"].DueAt);
    }

    [Fact]
    public void Elapsed_NoCalendar_IsRealTimeInUtc()
    {
        var r = Run(Created("2026-12-24T22:00:00Z"), "2026-12-25T01:00:00Z", calendar: null);
        Assert.Equal("PT3H", r["resolution"].Elapsed);
        Assert.Equal("2026-12-25T06:00:00Z", r["resolution"].DueAt);
    }

    [Fact]
    public void DueAt_SegmentSpansSpringForward_IsOneHourShorter()
    {
        // Sunday 01:00-05:00 in Berlin on 29 March 2026 is 00:00Z-03:00Z: three real hours.
        const string calendar = """{ "timeZone": "Europe/Berlin", "week": { "Sun": ["01:00-05:00"] } }""";
        var r = Run(Created("2026-03-29T00:00:00Z", "Normal"), "2026-03-29T03:00:00Z", calendar);
        Assert.Equal("PT3H", r["firstResponse"].Elapsed);
        Assert.Equal("2026-04-05T00:00:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void DueAt_SegmentSpansFallBack_IsOneHourLonger()
    {
        // Sunday 01:00-05:00 in Berlin on 25 October 2026 is 23:00Z-04:00Z: five real hours.
        const string calendar = """{ "timeZone": "Europe/Berlin", "week": { "Sun": ["01:00-05:00"] } }""";
        var r = Run(Created("2026-10-24T23:00:00Z", "Low"), "2026-10-24T23:00:00Z", calendar,
            targets: """{ "Low": { "firstResponse": "PT5H" } }""");
        Assert.Equal("2026-10-25T04:00:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void SegmentStart_InSkippedHour_MovesToTheEndOfTheGap()
    {
        const string calendar = """{ "timeZone": "Europe/Berlin", "week": { "Sun": ["02:30-06:00"] } }""";
        var r = Run(Created("2026-03-29T00:00:00Z"), "2026-03-29T00:00:00Z", calendar);
        Assert.Equal("2026-03-29T02:00:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void SegmentStart_InRepeatedHour_TakesTheEarlierInstant()
    {
        const string calendar = """{ "timeZone": "Europe/Berlin", "week": { "Sun": ["02:30-06:00"] } }""";
        var r = Run(Created("2026-10-25T00:00:00Z"), "2026-10-25T00:00:00Z", calendar);
        Assert.Equal("2026-10-25T01:30:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void DueAt_NewYorkBusinessHours_AcrossSpringForward()
    {
        const string calendar = """{ "timeZone": "America/New_York", "week": { "Mon": ["09:00-17:00"], "Tue": ["09:00-17:00"], "Wed": ["09:00-17:00"], "Thu": ["09:00-17:00"], "Fri": ["09:00-17:00"] } }""";
        // Friday 6 March 16:00 EST is 21:00Z; one hour on Friday, then Monday 9 March from 09:00 EDT (13:00Z).
        var r = Run(Created("2026-03-06T21:00:00Z", "Normal"), "2026-03-06T21:00:00Z", calendar);
        Assert.Equal("2026-03-09T16:00:00Z", r["firstResponse"].DueAt);
    }

    [Fact]
    public void DueAt_NewYorkFullDays_ShortDayLosesNothing()
    {
        const string calendar = """{ "timeZone": "America/New_York", "week": { "Sat": ["00:00-24:00"], "Sun": ["00:00-24:00"], "Mon": ["00:00-24:00"] } }""";
        var r = Run(Created("2026-03-08T05:00:00Z", "Normal"), "2026-03-08T05:00:00Z", calendar);
        Assert.Equal("2026-03-09T05:00:00Z", r["resolution"].DueAt);
    }

    [Theory]
    [InlineData("Pacific/Kiritimati", "2026-12-06T18:00:00Z", "2026-12-06T20:00:00Z")]
    [InlineData("Pacific/Pago_Pago", "2026-12-07T19:00:00Z", "2026-12-07T21:00:00Z")]
    public void DueAt_ZonesFarFromUtc_UseTheirLocalWeekday(string zone, string created, string due)
    {
        var calendar = $$"""{ "timeZone": "{{zone}}", "week": { "Mon": ["09:00-17:00"], "Tue": ["09:00-17:00"], "Wed": ["09:00-17:00"], "Thu": ["09:00-17:00"], "Fri": ["09:00-17:00"] } }""";
        Assert.Equal(due, Run(Created(created), created, calendar)["firstResponse"].DueAt);
    }
}

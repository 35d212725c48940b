using Portal.Core.Common;
using Portal.Core.Sla;

namespace Portal.Tests.Core.Sla;

/// <summary>Holiday files as calendar programs export them, read into the calendar's holiday list.</summary>
public sealed class IcsHolidaysTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static string Calendar(params string[] events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + string.Concat(events.Select(e => $"BEGIN:VEVENT\r\nUID:{Guid.NewGuid()}\r\n{e}END:VEVENT\r\n")) + "END:VCALENDAR\r\n";

    [Fact]
    public void AYearlyHolidayOnAFixedDate_IsOneEveryYearEntry()
    {
        var dates = IcsHolidays.Read(Calendar("DTSTART;VALUE=DATE:20101225\r\nDTEND;VALUE=DATE:20101226\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Christmas Day\r\n"), Today);
        Assert.Equal(["12-25"], dates);
    }

    [Fact]
    public void AYearlyRuleOnAWeekday_GivesEachYearsDate_FromLastYearToThreeAhead()
    {
        // Thanksgiving: the fourth Thursday of November.
        var dates = IcsHolidays.Read(Calendar("DTSTART;VALUE=DATE:20201126\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\nSUMMARY:Thanksgiving\r\n"), Today);
        Assert.Equal(["2025-11-27", "2026-11-26", "2027-11-25", "2028-11-23", "2029-11-22"], dates);
    }

    [Fact]
    public void AMultiDayEvent_GivesEachOfItsDays_AndTheEndDateIsExclusive()
    {
        var dates = IcsHolidays.Read(Calendar("DTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\nSUMMARY:Christmas break\r\n"), Today);
        Assert.Equal(["2026-12-24", "2026-12-25", "2026-12-26"], dates);
    }

    [Fact]
    public void AnExceptionDate_IsLeftOut()
    {
        var dates = IcsHolidays.Read(Calendar(
            "DTSTART;VALUE=DATE:20260501\r\nRRULE:FREQ=YEARLY;COUNT=3\r\nEXDATE;VALUE=DATE:20270501\r\nSUMMARY:Labour Day\r\n"), Today);
        Assert.Equal(["2026-05-01", "2028-05-01"], dates);
    }

    [Fact]
    public void ATimedEventWithATimeZone_CountsOnItsLocalDate()
    {
        // 00:30 in Berlin on 1 January is still 31 December in UTC: the holiday is the Berlin date.
        var dates = IcsHolidays.Read(Calendar("DTSTART;TZID=Europe/Berlin:20270101T003000\r\nDTEND;TZID=Europe/Berlin:20270101T230000\r\nSUMMARY:New Year\r\n"), Today);
        Assert.Equal(["2027-01-01"], dates);
    }

    [Fact]
    public void ASingleDayAndADateTime_AreEachOneDate()
    {
        var dates = IcsHolidays.Read(Calendar("DTSTART;VALUE=DATE:20261225\r\nSUMMARY:Christmas\r\n", "DTSTART:20270101T000000Z\r\nSUMMARY:New Year\r\n"), Today);
        Assert.Equal(["2026-12-25", "2027-01-01"], dates);
    }

    [Fact]
    public void AFileThatIsNotACalendar_IsRefusedNamingTheHolidays()
    {
        var ex = Assert.Throws<DeskValidationException>(() => IcsHolidays.Read("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:notadate\r\n", Today));
        Assert.Contains("Holidays", ex.Errors.Keys);
    }
}

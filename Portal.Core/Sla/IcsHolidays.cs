using System.Globalization;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;

namespace Portal.Core.Sla;

/// <summary>
/// Reads the holidays of an iCalendar (.ics) file, as Outlook, Google and public-holiday feeds export them, into the
/// calendar's holiday list: <c>MM-DD</c> for an event that falls on the same date every year, <c>YYYY-MM-DD</c> for
/// the days of every other occurrence from the start of last year to the end of <see cref="YearsAhead"/> years ahead.
/// Multi-day events give each of their days, EXDATEs are left out, and a timed event counts on the date it has in its
/// own time zone (TZID).
/// </summary>
public static class IcsHolidays
{
    public const int YearsAhead = 3;

    /// <summary>The holidays of the file, sorted and distinct; a file iCalendar cannot read is a validation error naming the file.</summary>
    public static IReadOnlyList<string> Read(string ics, DateOnly today)
    {
        Ical.Net.Calendar? calendar;
        try
        {
            calendar = Ical.Net.Calendar.Load(ics);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Common.DeskValidationException("Holidays", $"The file is not an iCalendar (.ics) file that can be read: {ex.Message}");
        }

        var from = new CalDateTime(today.Year - 1, 1, 1);
        var until = new DateOnly(today.Year + YearsAhead, 12, 31);
        var days = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var e in calendar?.Events.AsEnumerable() ?? [])
        {
            if (e.DtStart is null)
                continue;
            if (EveryYearOnTheSameDate(e))
            {
                foreach (var day in Days(e.DtStart, e.DtEnd, e.Duration))
                    days.Add(day.ToString("MM-dd", CultureInfo.InvariantCulture));
                continue;
            }

            foreach (var occurrence in e.GetOccurrences(from).TakeWhile(o => o.Period.StartTime.Date <= until))
            {
                foreach (var day in Days(occurrence.Period.StartTime, occurrence.Period.EffectiveEndTime, null).Where(d => d <= until))
                    days.Add(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
        }

        return days.ToList();
    }

    /// <summary>A yearly rule without end, exceptions or weekday rules, on the start's own date: the same date each year.</summary>
    private static bool EveryYearOnTheSameDate(CalendarEvent e)
    {
        if (e.RecurrenceRule is not { } rule || rule.Frequency != Ical.Net.FrequencyType.Yearly || rule.Interval > 1 || rule.Count is not null
            || rule.Until is not null || rule.ByDay.Count > 0 || rule.BySetPosition.Count > 0 || rule.ByYearDay.Count > 0 || rule.ByWeekNo.Count > 0
            || e.ExceptionDates.GetAllDates().Any() || e.RecurrenceDates.GetAllDates().Any())
            return false;
        var start = e.DtStart!.Date;
        return rule.ByMonth.All(m => m == start.Month) && rule.ByMonthDay.All(d => d == start.Day) && !(start.Month == 2 && start.Day == 29);
    }

    /// <summary>The dates an event covers: from its start's date up to its end (exclusive at midnight), at least one day.</summary>
    private static IEnumerable<DateOnly> Days(CalDateTime start, CalDateTime? end, Duration? duration)
    {
        var first = start.Date;
        var last = first;
        var endValue = end ?? (duration is { } d ? start.Add(d) : null);
        if (endValue is not null)
        {
            var endDate = endValue.Date;
            // An end at midnight (or an all-day end date) is exclusive: the event ends before that day starts.
            last = endValue.HasTime && endValue.Time != TimeOnly.MinValue ? endDate : endDate.AddDays(-1);
            if (last < first)
                last = first;
        }

        // A malformed event a year long is not a holiday list.
        for (var day = first; day <= last && day.DayNumber - first.DayNumber < 366; day = day.AddDays(1))
            yield return day;
    }
}

using NodaTime;

namespace Portal.Core.Sla;

/// <summary>A working period of one weekday, in local wall-clock time; an end of 24:00 is the end of the day.</summary>
public readonly record struct WorkSegment(LocalTime Start, LocalTime End, bool EndsAtMidnight)
{
    public Period Length => EndsAtMidnight ? Period.Between(Start, LocalTime.Midnight) + Period.FromDays(1) : Period.Between(Start, End);

    public override string ToString() =>
        $"{Start:HH:mm}-{(EndsAtMidnight ? "24:00" : End.ToString("HH:mm", null))}";
}

/// <summary>
/// The definition of a business calendar: an IANA zone, working segments per weekday (none at all means 24x7),
/// one-off holidays and holidays that recur every year. A holiday closes the whole local day.
/// </summary>
public sealed class BusinessCalendar
{
    public static readonly BusinessCalendar Utc24x7 = new(DateTimeZone.Utc, null, [], []);

    public BusinessCalendar(DateTimeZone zone, IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<WorkSegment>>? week,
        IReadOnlyCollection<LocalDate> holidays, IReadOnlyCollection<AnnualDate> recurringHolidays)
    {
        Zone = zone;
        Week = week;
        Holidays = holidays.ToHashSet();
        RecurringHolidays = recurringHolidays.ToHashSet();
    }

    public DateTimeZone Zone { get; }

    /// <summary>Null for a 24x7 calendar.</summary>
    public IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<WorkSegment>>? Week { get; }
    public IReadOnlySet<LocalDate> Holidays { get; }
    public IReadOnlySet<AnnualDate> RecurringHolidays { get; }

    public bool Is24x7 => Week is null;

    public bool IsHoliday(LocalDate date) =>
        Holidays.Contains(date) || (RecurringHolidays.Count > 0 && RecurringHolidays.Contains(new AnnualDate(date.Month, date.Day)));
}

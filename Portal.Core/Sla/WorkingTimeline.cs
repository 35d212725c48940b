using NodaTime;
using NodaTime.TimeZones;

namespace Portal.Core.Sla;

/// <summary>
/// A business calendar compiled into sorted UTC working intervals (in ticks) with running sums of working time,
/// so that "working time between two instants" and "the instant when this much working time has passed" are
/// binary searches. Years are compiled as they are needed; a compiled snapshot is immutable and shared.
/// </summary>
public sealed class WorkingTimeline
{
    /// <summary>Local times map to instants as the SLA contract says: a skipped time moves to the first valid
    /// instant after the gap, a repeated time takes the earlier instant.</summary>
    private static readonly ZoneLocalMappingResolver Resolver =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    private const int MaxYearsAhead = 60;

    /// <summary>One working interval [Start, End) and the working ticks of all intervals before it; kept together for locality.</summary>
    private readonly record struct Interval(long Start, long End, long CumBefore)
    {
        public long CumEnd => CumBefore + (End - Start);
    }

    private sealed class Snapshot(int firstYear, int lastYear, Interval[] intervals)
    {
        public readonly int FirstYear = firstYear;
        public readonly int LastYear = lastYear;
        public readonly Interval[] Intervals = intervals;
        // Local days of a zone far from UTC spill up to a day over the UTC year; the snapshot answers only well inside.
        public readonly long LowTicks = YearStartTicks(firstYear) + (2 * TimeSpan.TicksPerDay);
        public readonly long HighTicks = YearStartTicks(lastYear + 1) - (2 * TimeSpan.TicksPerDay);
    }

    private readonly BusinessCalendar _calendar;
    private readonly bool _continuous;
    private readonly object _gate = new();
    private volatile Snapshot? _snapshot;

    public WorkingTimeline(BusinessCalendar calendar)
    {
        _calendar = calendar;
        _continuous = calendar.Is24x7 && calendar.Holidays.Count == 0 && calendar.RecurringHolidays.Count == 0;
    }

    public BusinessCalendar Calendar => _calendar;

    /// <summary>Working ticks in [from, to); zero when to is not after from.</summary>
    public long Counted(long from, long to)
    {
        if (to <= from)
            return 0;
        if (_continuous)
            return to - from;
        var s = Cover(from, to);
        var i = IndexAt(s.Intervals, from, 0);
        var j = IndexAt(s.Intervals, to, Math.Max(i, 0));
        return CumulativeAt(s.Intervals, j, to) - CumulativeAt(s.Intervals, i, from);
    }

    /// <summary>
    /// The first instant at or after <paramref name="from"/> by which <paramref name="amount"/> working ticks have
    /// passed. Zero is <paramref name="from"/> itself; work used up exactly at a closing time ends at that closing
    /// time, not at the next opening.
    /// </summary>
    public long AddWorking(long from, long amount)
    {
        if (amount <= 0)
            return from;
        if (_continuous)
            return from + amount;
        var s = Cover(from, from);
        while (true)
        {
            var items = s.Intervals;
            var i = IndexAt(items, from, 0);
            var goal = CumulativeAt(items, i, from) + amount;
            var last = items.Length - 1;
            if (last >= 0 && items[last].CumEnd >= goal)
            {
                // The first interval whose running sum at its end reaches the goal; it is not before from's interval.
                int lo = Math.Max(i, 0), hi = last;
                while (lo < hi)
                {
                    var mid = (lo + hi) >>> 1;
                    if (items[mid].CumEnd >= goal)
                        hi = mid;
                    else
                        lo = mid + 1;
                }

                return Math.Max(from, items[lo].Start + (goal - items[lo].CumBefore));
            }

            if (s.LastYear - YearOf(from) > MaxYearsAhead)
                throw new InvalidOperationException("The calendar has too little working time to reach this target.");
            s = Extend(s.FirstYear, s.LastYear + 5);
        }
    }

    /// <summary>The last interval starting at or before t (searching from <paramref name="low"/> on), or -1.</summary>
    private static int IndexAt(Interval[] items, long t, int low)
    {
        int lo = low, hi = items.Length - 1, found = low - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (items[mid].Start <= t)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    /// <summary>Working ticks from the start of the snapshot up to t, given t's interval index.</summary>
    private static long CumulativeAt(Interval[] items, int index, long t) =>
        index < 0 ? 0 : items[index].CumBefore + (Math.Min(t, items[index].End) - items[index].Start);

    private Snapshot Cover(long from, long to)
    {
        var s = _snapshot;
        if (s is not null && from >= s.LowTicks && to < s.HighTicks)
            return s;
        var first = YearOf(from) - 1;
        var last = YearOf(to) + 2;
        if (s is not null)
        {
            first = Math.Min(first, s.FirstYear);
            last = Math.Max(last, s.LastYear);
        }

        return Extend(first, last);
    }

    private Snapshot Extend(int firstYear, int lastYear)
    {
        lock (_gate)
        {
            var s = _snapshot;
            if (s is not null && s.FirstYear <= firstYear && s.LastYear >= lastYear)
                return s;
            if (s is not null)
            {
                firstYear = Math.Min(firstYear, s.FirstYear);
                lastYear = Math.Max(lastYear, s.LastYear);
            }

            var built = Build(firstYear, lastYear);
            _snapshot = built;
            return built;
        }
    }

    private Snapshot Build(int firstYear, int lastYear)
    {
        var starts = new List<long>();
        var ends = new List<long>();
        void Add(long start, long end)
        {
            if (end <= start)
                return;
            if (ends.Count > 0 && start <= ends[^1])
            {
                // Touching or overlapping (a DST fall-back can make a segment end after the next one starts): merge.
                ends[^1] = Math.Max(ends[^1], end);
                return;
            }

            starts.Add(start);
            ends.Add(end);
        }

        var zone = _calendar.Zone;
        for (var date = new LocalDate(firstYear, 1, 1); date.Year <= lastYear; date = date.PlusDays(1))
        {
            if (_calendar.IsHoliday(date))
                continue;
            if (_calendar.Week is null)
            {
                Add(Ticks(zone.ResolveLocal(date.AtMidnight(), Resolver)), Ticks(zone.ResolveLocal(date.PlusDays(1).AtMidnight(), Resolver)));
                continue;
            }

            if (!_calendar.Week.TryGetValue(date.DayOfWeek, out var segments))
                continue;
            foreach (var seg in segments)
            {
                var start = Ticks(zone.ResolveLocal(date.At(seg.Start), Resolver));
                var end = seg.EndsAtMidnight
                    ? Ticks(zone.ResolveLocal(date.PlusDays(1).AtMidnight(), Resolver))
                    : Ticks(zone.ResolveLocal(date.At(seg.End), Resolver));
                Add(start, end);
            }
        }

        var intervals = new Interval[starts.Count];
        long running = 0;
        for (var i = 0; i < intervals.Length; i++)
        {
            intervals[i] = new Interval(starts[i], ends[i], running);
            running += ends[i] - starts[i];
        }

        return new Snapshot(firstYear, lastYear, intervals);
    }

    private static long Ticks(ZonedDateTime z) => z.ToInstant().ToUnixTimeTicks();

    private static long YearStartTicks(int year) => Instant.FromUtc(year, 1, 1, 0, 0).ToUnixTimeTicks();

    private static int YearOf(long ticks) => Instant.FromUnixTimeTicks(ticks).InUtc().Year;
}

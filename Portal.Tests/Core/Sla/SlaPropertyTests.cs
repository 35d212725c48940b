using CsCheck;
using NodaTime;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Tests.Core.Sla;

/// <summary>Properties that must hold for any calendar and timeline, checked on random ones.</summary>
public class SlaPropertyTests
{
    private static readonly string[] Zones =
        ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Australia/Lord_Howe", "UTC"];

    private static readonly long Start2026 = Instant.FromUtc(2026, 1, 1, 0, 0).ToUnixTimeTicks();
    private const long Hour = TimeSpan.TicksPerHour;

    private static readonly Gen<WorkingTimeline> Calendars =
        from zone in Gen.Int[0, Zones.Length - 1].Select(i => Zones[i])
        from days in Gen.Int[0, 23].Select(Gen.Int[1, 24], Gen.Bool).Array[7]
        from holidays in Gen.Int[0, 700].Array[0, 6]
        from is24x7 in Gen.Int[0, 5]
        select Build(zone, days, holidays, is24x7 == 0);

    private static WorkingTimeline Build(string zone, (int Start, int Length, bool Open)[] days, int[] holidays, bool is24x7)
    {
        var week = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkSegment>>();
        for (var d = 0; d < 7; d++)
        {
            var (start, length, open) = days[d];
            if (!open && d != 0)
                continue;
            var end = Math.Min(24, start + length);
            week[(IsoDayOfWeek)(d + 1)] = [new WorkSegment(new LocalTime(start, 0), end == 24 ? LocalTime.Midnight : new LocalTime(end, 0), end == 24)];
        }

        var dates = holidays.Select(h => new LocalDate(2026, 1, 1).PlusDays(h)).ToList();
        return new WorkingTimeline(new BusinessCalendar(DateTimeZoneProviders.Tzdb[zone], is24x7 ? null : week, dates, []));
    }

    private static readonly Gen<long> Instants = Gen.Long[0, 600 * 24 * Hour].Select(t => Start2026 + (t / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond));
    private static readonly Gen<long> Durations = Gen.Long[1, 200 * 60].Select(minutes => minutes * TimeSpan.TicksPerMinute);

    [Fact]
    public void AddWorking_MoreTarget_NeverAnEarlierDueInstant() =>
        Calendars.Select(Instants, Durations, Durations).Sample((cal, t, a, b) =>
        {
            var (small, large) = a <= b ? (a, b) : (b, a);
            return cal.AddWorking(t, small) <= cal.AddWorking(t, large);
        }, iter: 300);

    [Fact]
    public void AddWorking_CountsExactlyTheAmountAdded() =>
        Calendars.Select(Instants, Durations).Sample((cal, t, d) => cal.Counted(t, cal.AddWorking(t, d)) == d, iter: 300);

    [Fact]
    public void Counted_IsAdditive() =>
        Calendars.Select(Instants, Instants, Instants).Sample((cal, x, y, z) =>
        {
            var s = new[] { x, y, z }.Order().ToArray();
            return cal.Counted(s[0], s[2]) == cal.Counted(s[0], s[1]) + cal.Counted(s[1], s[2])
                && cal.Counted(s[0], s[2]) <= s[2] - s[0];
        }, iter: 300);

    private static SlaPolicy Policy(long target, bool pause = true) => new(
        ["P"],
        new Dictionary<string, IReadOnlyDictionary<SlaMetric, TimeSpan>> { ["P"] = new Dictionary<SlaMetric, TimeSpan> { [SlaMetric.Resolution] = TimeSpan.FromTicks(target) } },
        pause ? new Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>> { [SlaMetric.Resolution] = [TicketStatus.OnHold] } : new Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>>(),
        [new WarnThreshold(0.75m, "0.75")]);

    [Fact]
    public void Engine_MoreTarget_NeverAnEarlierDueInstant() =>
        Calendars.Select(Instants, Durations, Durations).Sample((cal, t0, a, b) =>
        {
            var (small, large) = a <= b ? (a, b) : (b, a);
            SlaEvent[] events = [SlaEvent.Created(t0, 0, TicketStatus.Open)];
            return SlaEngine.Evaluate(events, Policy(small), cal, t0).Resolution.DueAt
                <= SlaEngine.Evaluate(events, Policy(large), cal, t0).Resolution.DueAt;
        }, iter: 200);

    [Fact]
    public void Engine_APause_NeverMakesATicketDueSooner() =>
        Calendars.Select(Instants, Durations, Gen.Long[0, 100 * Hour], Gen.Long[0, 100 * Hour]).Sample((cal, t0, target, p1, p2) =>
        {
            var pauseAt = t0 + p1;
            var resumeAt = pauseAt + p2;
            SlaEvent[] plain = [SlaEvent.Created(t0, 0, TicketStatus.Open)];
            SlaEvent[] paused = [SlaEvent.Created(t0, 0, TicketStatus.Open), SlaEvent.StatusTo(pauseAt, TicketStatus.OnHold), SlaEvent.StatusTo(resumeAt, TicketStatus.Open)];
            var withoutPause = SlaEngine.Evaluate(plain, Policy(target), cal, resumeAt).Resolution;
            var withPause = SlaEngine.Evaluate(paused, Policy(target), cal, resumeAt).Resolution;
            return withPause.DueAt >= withoutPause.DueAt && withPause.Elapsed <= withoutPause.Elapsed;
        }, iter: 200);

    [Fact]
    public void Engine_PriorityChange_DueNeverBeforeTheChange() =>
        Calendars.Select(Instants, Durations, Durations, Gen.Long[0, 100 * Hour]).Sample((cal, t0, first, second, after) =>
        {
            var policy = new SlaPolicy(["A", "B"],
                new Dictionary<string, IReadOnlyDictionary<SlaMetric, TimeSpan>>
                {
                    ["A"] = new Dictionary<SlaMetric, TimeSpan> { [SlaMetric.FirstResponse] = TimeSpan.FromTicks(first) },
                    ["B"] = new Dictionary<SlaMetric, TimeSpan> { [SlaMetric.FirstResponse] = TimeSpan.FromTicks(second) },
                }, new Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>>(), []);
            var change = t0 + after;
            SlaEvent[] events = [SlaEvent.Created(t0, 0), SlaEvent.PriorityTo(change, 1)];
            var fr = SlaEngine.Evaluate(events, policy, cal, change).FirstResponse;
            var breachedBefore = SlaEngine.Evaluate(events[..1], policy, cal, change).FirstResponse.State == SlaState.Breached;
            return breachedBefore || first == second || fr.DueAt >= change;
        }, iter: 200);
}

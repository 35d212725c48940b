using BenchmarkDotNet.Attributes;
using NodaTime;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Benchmarks;

/// <summary>
/// Recomputes the SLA state of 1,000,000 open tickets on one thread: six business calendars in six time zones
/// with holidays, timelines of three to seven events with pauses, replies and priority changes.
/// </summary>
[MemoryDiagnoser]
public class SlaEngineBenchmarks
{
    public const int TicketCount = 1_000_000;

    private WorkingTimeline[] _calendars = [];
    private SlaPolicy _policy = default!;
    private SlaEvent[] _events = [];
    private int[] _offsets = [];
    private int[] _calendarOf = [];
    private long _at;

    [GlobalSetup]
    public void Setup()
    {
        (string Zone, int Open, int Close)[] zones =
        [
            ("Europe/Berlin", 8, 17), ("America/New_York", 9, 17), ("Asia/Kolkata", 9, 18), ("Australia/Sydney", 8, 16),
            ("America/Los_Angeles", 7, 15), ("Asia/Tokyo", 9, 18),
        ];
        _calendars = zones.Select(z =>
        {
            var seg = new WorkSegment(new LocalTime(z.Open, 0), new LocalTime(z.Close, 0), false);
            var week = new Dictionary<IsoDayOfWeek, IReadOnlyList<WorkSegment>>();
            foreach (var d in new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday })
                week[d] = [seg];
            return new WorkingTimeline(new BusinessCalendar(DateTimeZoneProviders.Tzdb[z.Zone], week,
                [new LocalDate(2026, 12, 24), new LocalDate(2026, 4, 3)], [new AnnualDate(1, 1), new AnnualDate(12, 25), new AnnualDate(12, 26)]));
        }).Append(new WorkingTimeline(BusinessCalendar.Utc24x7)).ToArray();

        _policy = new SlaPolicy(["Low", "Normal", "High", "Critical"],
            new Dictionary<string, IReadOnlyDictionary<SlaMetric, TimeSpan>>
            {
                ["Low"] = new Dictionary<SlaMetric, TimeSpan> { [SlaMetric.FirstResponse] = TimeSpan.FromHours(8), [SlaMetric.Resolution] = TimeSpan.FromHours(40) },
                ["Normal"] = new Dictionary<SlaMetric, TimeSpan> { [SlaMetric.FirstResponse] = TimeSpan.FromHours(4), [SlaMetric.NextResponse] = TimeSpan.FromHours(8), [SlaMetric.Resolution] = TimeSpan.FromHours(24) },
                ["High"] = new Dictionary<SlaMetric, TimeSpan> { [SlaMetric.FirstResponse] = TimeSpan.FromHours(1), [SlaMetric.NextResponse] = TimeSpan.FromHours(2), [SlaMetric.Resolution] = TimeSpan.FromHours(8) },
                ["Critical"] = new Dictionary<SlaMetric, TimeSpan> { [SlaMetric.FirstResponse] = TimeSpan.FromMinutes(30), [SlaMetric.Resolution] = TimeSpan.FromHours(4) },
            },
            new Dictionary<SlaMetric, IReadOnlyCollection<TicketStatus>>
            {
                [SlaMetric.Resolution] = [TicketStatus.PendingRequester, TicketStatus.OnHold],
                [SlaMetric.NextResponse] = [TicketStatus.OnHold],
            },
            [new WarnThreshold(0.75m, "0.75"), new WarnThreshold(0.9m, "0.9")]);

        var rng = new Random(7);
        var start = Instant.FromUtc(2026, 9, 1, 0, 0).ToUnixTimeTicks();
        _at = Instant.FromUtc(2026, 12, 1, 0, 0).ToUnixTimeTicks();
        var events = new List<SlaEvent>(TicketCount * 5);
        _offsets = new int[TicketCount + 1];
        _calendarOf = new int[TicketCount];
        for (var i = 0; i < TicketCount; i++)
        {
            _offsets[i] = events.Count;
            _calendarOf[i] = rng.Next(_calendars.Length);
            var t = start + (rng.NextInt64(0, 85 * 24) * TimeSpan.TicksPerHour);
            events.Add(SlaEvent.Created(t, rng.Next(4), TicketStatus.New));
            var steps = rng.Next(2, 7);
            for (var s = 0; s < steps; s++)
            {
                t += rng.NextInt64(1, 20 * 60) * TimeSpan.TicksPerMinute;
                events.Add(rng.Next(6) switch
                {
                    0 => SlaEvent.Reply(t, ReplyAuthor.Agent, true),
                    1 => SlaEvent.Reply(t, ReplyAuthor.Requester, true),
                    2 => SlaEvent.StatusTo(t, TicketStatus.PendingRequester),
                    3 => SlaEvent.StatusTo(t, TicketStatus.Open),
                    4 => SlaEvent.PriorityTo(t, rng.Next(4)),
                    _ => SlaEvent.StatusTo(t, TicketStatus.OnHold),
                });
            }
        }

        _offsets[TicketCount] = events.Count;
        _events = events.ToArray();

        // Compile every calendar once, as a running server would have.
        foreach (var c in _calendars)
            c.AddWorking(start, TimeSpan.TicksPerHour);
    }

    [Benchmark(OperationsPerInvoke = TicketCount, Description = "Recompute one ticket (of 1,000,000, one thread)")]
    public long RecomputeAll()
    {
        long check = 0;
        var span = _events.AsSpan();
        for (var i = 0; i < TicketCount; i++)
        {
            var outcome = SlaEngine.Evaluate(span[_offsets[i].._offsets[i + 1]], _policy, _calendars[_calendarOf[i]], _at);
            check += outcome.NextChangeAt;
        }

        return check;
    }
}

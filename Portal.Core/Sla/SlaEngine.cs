using Portal.Core.Tickets;

namespace Portal.Core.Sla;

/// <summary>
/// Computes a ticket's SLA from its timeline, as the SLA contract (docs/sla.md) defines it. Pure: the same
/// events, policy, calendar and evaluation instant always give the same outcome; it allocates nothing per call.
/// </summary>
public static class SlaEngine
{
    private const long None = SlaPolicy.None;

    private struct Metric
    {
        public bool Started;      // first response and resolution start at creation; a next-response cycle at a requester message
        public bool Stopped;
        public long StoppedAt;
        public long Counted;      // counted ticks up to the last event
        public long Target;       // in force, or None
        public long Floor;        // the instant of the change that set the target: no due instant before it
        public long ReachedAt;    // when counted time reached the target in force, or None
        public long BreachedAt;
        public bool TargetAtStop; // whether a target was in force when it stopped
        public long DueAtStop;    // the due instant in force just before the stop, or None
    }

    /// <summary>Evaluates the timeline at <paramref name="at"/>. Events must be in order, start with Created, and not pass <paramref name="at"/>.</summary>
    public static SlaOutcome Evaluate(ReadOnlySpan<SlaEvent> events, SlaPolicy policy, WorkingTimeline calendar, long at)
    {
        if (events.Length == 0 || events[0].Kind != SlaEventKind.Created)
            throw new ArgumentException("A timeline starts with its created event.", nameof(events));

        Span<Metric> m = stackalloc Metric[SlaMetrics.Count];
        var created = events[0];
        var t0 = created.At;
        var priority = created.Priority;
        var status = created.Status;
        for (var i = 0; i < SlaMetrics.Count; i++)
            m[i] = Fresh(i != (int)SlaMetric.NextResponse, policy.Target(priority, (SlaMetric)i), t0);

        if (IsDone(status))
        {
            // Stopped by the event that created it: nothing was in force before, so there is no due instant.
            Stop(ref m[(int)SlaMetric.FirstResponse], t0, None);
            Stop(ref m[(int)SlaMetric.Resolution], t0, None);
        }

        var last = t0;
        var cycles = 0;
        for (var e = 1; e < events.Length; e++)
        {
            var ev = events[e];
            Advance(m, policy, calendar, status, last, ev.At);
            last = ev.At;
            switch (ev.Kind)
            {
                case SlaEventKind.Status:
                    var next = ev.Status;
                    if (IsDone(next) && !IsDone(status))
                    {
                        for (var i = 0; i < SlaMetrics.Count; i++)
                            if (m[i].Started && !m[i].Stopped)
                                Stop(ref m[i], ev.At, DueInForce(m[i], policy, calendar, (SlaMetric)i, status, ev.At));
                    }
                    else if (!IsDone(next) && IsDone(status))
                    {
                        Reopen(ref m[(int)SlaMetric.Resolution], policy.Target(priority, SlaMetric.Resolution), ev.At);
                    }

                    status = next;
                    break;
                case SlaEventKind.Priority:
                    priority = ev.Priority;
                    for (var i = 0; i < SlaMetrics.Count; i++)
                        ChangeTarget(ref m[i], policy.Target(priority, (SlaMetric)i), ev.At);
                    break;
                case SlaEventKind.Reply when ev.Public && ev.By == ReplyAuthor.Agent:
                    for (var i = 0; i < 2; i++)
                    {
                        // A public agent reply stops the first response and a running next response.
                        if (m[i].Started && !m[i].Stopped)
                            Stop(ref m[i], ev.At, DueInForce(m[i], policy, calendar, (SlaMetric)i, status, ev.At));
                    }

                    break;
                case SlaEventKind.Reply when ev.Public && ev.By == ReplyAuthor.Requester:
                    ref var cycle = ref m[(int)SlaMetric.NextResponse];
                    if (m[(int)SlaMetric.FirstResponse].Stopped && !IsDone(status) && !(cycle.Started && !cycle.Stopped))
                    {
                        cycle = Fresh(true, policy.Target(priority, SlaMetric.NextResponse), ev.At);
                        cycles++;
                    }

                    break;
            }
        }

        Advance(m, policy, calendar, status, last, at);
        return Report(m, policy, calendar, priority, status, at) with { NextResponseCycles = cycles };
    }

    private static Metric Fresh(bool started, long target, long at) => new()
    {
        Started = started, StoppedAt = None, Target = target, Floor = at, ReachedAt = None, BreachedAt = None, DueAtStop = None,
    };

    private static bool IsDone(TicketStatus s) => s is TicketStatus.Resolved or TicketStatus.Closed;

    private static bool Counting(in Metric x, SlaPolicy policy, SlaMetric metric, TicketStatus status) =>
        x.Started && !x.Stopped && !policy.Pauses(metric, status);

    /// <summary>The due instant of a counting target at <paramref name="now"/>, as if nothing changed from then on.</summary>
    private static long DueFrom(in Metric x, WorkingTimeline calendar, long now) =>
        x.Counted >= x.Target
            ? Math.Max(x.Floor, x.ReachedAt == None ? x.Floor : x.ReachedAt)
            : calendar.AddWorking(now, x.Target - x.Counted);

    /// <summary>The due instant in force: none while paused or without a target, the breach once breached.</summary>
    private static long DueInForce(in Metric x, SlaPolicy policy, WorkingTimeline calendar, SlaMetric metric, TicketStatus status, long now) =>
        x.BreachedAt != None ? x.BreachedAt
        : x.Target == None || !Counting(x, policy, metric, status) ? None
        : DueFrom(x, calendar, now);

    /// <summary>Counts the time between two events for every counting target, noting when a target is reached and breached.</summary>
    private static void Advance(Span<Metric> m, SlaPolicy policy, WorkingTimeline calendar, TicketStatus status, long from, long to)
    {
        var delta = -1L;
        for (var i = 0; i < SlaMetrics.Count; i++)
        {
            ref var x = ref m[i];
            if (!Counting(x, policy, (SlaMetric)i, status))
                continue;
            if (delta < 0)
                delta = calendar.Counted(from, to);
            if (x.Target != None && x.BreachedAt == None && x.Counted + delta >= x.Target)
            {
                var due = DueFrom(x, calendar, from);
                if (x.ReachedAt == None)
                    x.ReachedAt = due;
                if (to > due)
                    x.BreachedAt = due;
            }

            x.Counted += delta;
        }
    }

    private static void Stop(ref Metric x, long at, long dueInForce)
    {
        x.Stopped = true;
        x.StoppedAt = at;
        x.TargetAtStop = x.Target != None;
        x.DueAtStop = dueInForce;
    }

    private static void ChangeTarget(ref Metric x, long target, long at)
    {
        if (x.Stopped || x.BreachedAt != None || target == x.Target)
            return;
        x.Target = target;
        x.Floor = at;
        x.ReachedAt = None;
    }

    private static void Reopen(ref Metric x, long target, long at)
    {
        x.Stopped = false;
        x.StoppedAt = None;
        x.DueAtStop = None;
        if (x.BreachedAt != None)
            return;
        x.Target = target;
        x.Floor = at;
        x.ReachedAt = None;
    }

    private static SlaOutcome Report(Span<Metric> m, SlaPolicy policy, WorkingTimeline calendar, int priority, TicketStatus status, long at)
    {
        var next = long.MaxValue;
        Span<MetricOutcome> results = stackalloc MetricOutcome[SlaMetrics.Count];
        for (var i = 0; i < SlaMetrics.Count; i++)
        {
            var metric = (SlaMetric)i;
            ref var x = ref m[i];
            var current = policy.Target(priority, metric);
            if (current == None)
            {
                results[i] = default;
                continue;
            }

            if (!x.Started)
            {
                results[i] = new MetricOutcome(true, SlaState.Idle, current, 0, current, None, None, None, -1);
                continue;
            }

            if (x.Stopped)
            {
                var target = x.TargetAtStop ? x.Target : current;
                var warning = x.TargetAtStop ? WarningIndex(policy, x.Counted, target) : -1;
                results[i] = new MetricOutcome(true, x.BreachedAt != None ? SlaState.Missed : SlaState.Met, target, x.Counted,
                    Math.Max(0, target - x.Counted), x.TargetAtStop ? x.DueAtStop : None, x.StoppedAt, x.BreachedAt, warning);
                continue;
            }

            var counting = Counting(x, policy, metric, status);
            var warn = WarningIndex(policy, x.Counted, x.Target);
            var state = x.BreachedAt != None ? SlaState.Breached
                : !counting ? SlaState.Paused
                : warn >= 0 ? SlaState.Warning
                : SlaState.Running;
            var dueAt = DueInForce(x, policy, calendar, metric, status, at);
            results[i] = new MetricOutcome(true, state, x.Target, x.Counted, Math.Max(0, x.Target - x.Counted), dueAt, None, x.BreachedAt, warn);

            if (counting && x.BreachedAt == None && dueAt != None)
            {
                // The next thing that changes by itself: the next warning threshold, else the breach.
                var due = dueAt;
                for (var w = warn + 1; w < policy.WarnAt.Count; w++)
                {
                    var threshold = policy.Threshold(w, x.Target);
                    if (threshold < x.Target)
                    {
                        due = Math.Min(due, calendar.AddWorking(at, threshold - x.Counted));
                        break;
                    }
                }

                next = Math.Min(next, due);
            }
        }

        return new SlaOutcome(priority, status, results[0], results[1], results[2], next == long.MaxValue ? None : next);
    }

    private static int WarningIndex(SlaPolicy policy, long counted, long target)
    {
        var found = -1;
        for (var w = 0; w < policy.WarnAt.Count; w++)
            if (policy.Reached(w, counted, target))
                found = w;
        return found;
    }
}

using Portal.Core.Tickets;

namespace Portal.Core.Sla;

/// <summary>A warning threshold: a fraction of the target in (0, 1], with its text as the admin wrote it.</summary>
public readonly record struct WarnThreshold(decimal Fraction, string Text);

/// <summary>
/// What an SLA promises, compiled for the engine: targets (in ticks) per priority and metric, which statuses pause
/// which metric, and the warning thresholds in ascending order.
/// </summary>
public sealed class SlaPolicy
{
    public const long None = long.MinValue;

    private readonly long[] _targets;
    private readonly bool[] _paused;

    public SlaPolicy(IReadOnlyList<string> priorities, IReadOnlyDictionary<string, IReadOnlyDictionary<SlaMetric, TimeSpan>> targets,
        IReadOnlyDictionary<SlaMetric, IReadOnlyCollection<TicketStatus>> pauseOn, IEnumerable<WarnThreshold> warnAt,
        bool countsAwaitingApproval = false)
    {
        Priorities = priorities;
        _targets = new long[priorities.Count * SlaMetrics.Count];
        Array.Fill(_targets, None);
        for (var p = 0; p < priorities.Count; p++)
        {
            if (!targets.TryGetValue(priorities[p], out var perMetric))
                continue;
            foreach (var (metric, value) in perMetric)
                _targets[(p * SlaMetrics.Count) + (int)metric] = value.Ticks;
        }

        var statuses = Enum.GetValues<TicketStatus>().Length;
        _paused = new bool[SlaMetrics.Count * statuses];
        StatusCount = statuses;
        foreach (var (metric, list) in pauseOn)
            foreach (var status in list)
                _paused[((int)metric * statuses) + (int)status] = true;
        // A task waiting for another task cannot be worked: no clock of any policy runs meanwhile. Nor, unless the policy
        // says to keep counting, while a request waits for its approval.
        for (var metric = 0; metric < SlaMetrics.Count; metric++)
        {
            _paused[(metric * statuses) + (int)TicketStatus.Waiting] = true;
            _paused[(metric * statuses) + (int)TicketStatus.AwaitingApproval] = !countsAwaitingApproval;
        }
        WarnAt = warnAt.OrderBy(w => w.Fraction).ToArray();
        _warnNumerator = new long[WarnAt.Count];
        _warnScale = new long[WarnAt.Count];
        for (var i = 0; i < WarnAt.Count; i++)
        {
            // An exact rational n / 10^k, so that "counted reached f × target" is decided in integers.
            var f = WarnAt[i].Fraction;
            long scale = 1;
            while (decimal.Truncate(f * scale) != f * scale && scale < 1_000_000_000)
                scale *= 10;
            _warnScale[i] = scale;
            _warnNumerator[i] = (long)decimal.Truncate(f * scale);
        }
    }

    private readonly long[] _warnNumerator;
    private readonly long[] _warnScale;

    /// <summary>Whether counted time has reached warning threshold <paramref name="index"/> of the target.</summary>
    public bool Reached(int index, long counted, long target) =>
        (Int128)counted * _warnScale[index] >= (Int128)_warnNumerator[index] * target;

    /// <summary>The counted ticks at which warning threshold <paramref name="index"/> is reached (rounded up).</summary>
    public long Threshold(int index, long target) =>
        (long)(((Int128)_warnNumerator[index] * target + _warnScale[index] - 1) / _warnScale[index]);

    /// <summary>The same policy with every target multiplied by <paramref name="fraction"/> (at least one tick): the due
    /// instants it gives are the instants at which that fraction of each target is reached.</summary>
    public SlaPolicy Scaled(decimal fraction)
    {
        var copy = (SlaPolicy)MemberwiseClone();
        copy._targetsScaled = _targets.Select(t => t == None ? None : Math.Max(1, (long)Math.Ceiling(t * fraction))).ToArray();
        return copy;
    }

    private long[]? _targetsScaled;

    public IReadOnlyList<string> Priorities { get; }
    public IReadOnlyList<WarnThreshold> WarnAt { get; }
    private int StatusCount { get; }

    public int PriorityIndex(string name)
    {
        for (var i = 0; i < Priorities.Count; i++)
            if (Priorities[i] == name)
                return i;
        return -1;
    }

    /// <summary>The target in ticks, or <see cref="None"/> when the priority does not define the metric.</summary>
    public long Target(int priority, SlaMetric metric) => (_targetsScaled ?? _targets)[(priority * SlaMetrics.Count) + (int)metric];

    public bool Pauses(SlaMetric metric, TicketStatus status) => _paused[((int)metric * StatusCount) + (int)status];
}

using System.Diagnostics;

namespace Portal.Benchmarks;

/// <summary>
/// What every load harness prints beside its own figures: the SLA engine's time per ticket from the same run (the
/// shared machine's speed varies by the hour, and this fixed workload tells how fast it was), and a count of the
/// database statements a measured operation issued.
/// </summary>
public static class HarnessFigures
{
    /// <summary>Recomputes the SLA benchmark's 1,000,000 timelines once warm, on this thread; prints and returns ns per ticket.</summary>
    public static double PrintReference()
    {
        var engine = new SlaEngineBenchmarks();
        engine.Setup();
        engine.RecomputeAll(); // warm-up
        var watch = Stopwatch.StartNew();
        engine.RecomputeAll();
        var ns = watch.Elapsed.TotalNanoseconds / SlaEngineBenchmarks.TicketCount;
        Console.WriteLine($"Reference: the SLA engine recomputes one ticket in {ns:F0} ns (1,000,000 timelines, one thread)");
        return ns;
    }

    /// <summary>Counts the commands EF Core sends to the database while it is alive (all contexts of the process).</summary>
    public sealed class StatementCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly IDisposable _all;
        private readonly List<IDisposable> _subscriptions = [];
        private long _count;

        public StatementCounter() => _all = DiagnosticListener.AllListeners.Subscribe(this);

        public long Count => Interlocked.Read(ref _count);

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "Microsoft.EntityFrameworkCore")
                lock (_subscriptions)
                    _subscriptions.Add(listener.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuting")
            {
                Interlocked.Increment(ref _count);
                // HARNESS_SQL=1 prints each statement's first line, to see where a measured operation's statements go.
                if (Environment.GetEnvironmentVariable("HARNESS_SQL") == "1"
                    && value.Value is Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData data)
                    Console.WriteLine("  SQL: " + data.Command.CommandText.ReplaceLineEndings(" ")[..Math.Min(150, data.Command.CommandText.Length)]);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _all.Dispose();
            lock (_subscriptions)
                foreach (var s in _subscriptions)
                    s.Dispose();
        }
    }
}

using System.Threading.Channels;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Jobs;

/// <summary>SLA work that must not hold up a page: recomputing the open tickets an admin's policy or calendar edit touched.</summary>
public sealed class SlaBackgroundWork(SlaService sla, ILogger<SlaBackgroundWork> log) : BackgroundService
{
    private readonly Channel<Func<IQueryable<Ticket>, IQueryable<Ticket>>> _queue =
        Channel.CreateUnbounded<Func<IQueryable<Ticket>, IQueryable<Ticket>>>();

    /// <summary>Queues a recompute of the open tickets the filter selects.</summary>
    public void Recompute(Func<IQueryable<Ticket>, IQueryable<Ticket>> which) => _queue.Writer.TryWrite(which);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => DrainAsync(stoppingToken);

    private async Task DrainAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var which in _queue.Reader.ReadAllAsync(ct))
            {
                try
                {
                    var count = await sla.RecomputeAsync(which, ct);
                    log.LogInformation("Recomputed the SLA of {Count} open tickets after a policy or calendar change", count);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Recomputing SLA states after an edit failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}

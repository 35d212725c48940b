using System.Threading.Channels;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Jobs;

/// <summary>
/// SLA work that must not hold up a page: recomputing the open tickets an admin's policy or calendar edit touched,
/// and, every few seconds, bringing up to date the tickets whose warning or breach instant has passed.
/// </summary>
public sealed class SlaBackgroundWork(SlaService sla, TimeProvider clock, ILogger<SlaBackgroundWork> log) : BackgroundService
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(15);

    private readonly Channel<Func<IQueryable<Ticket>, IQueryable<Ticket>>> _queue =
        Channel.CreateUnbounded<Func<IQueryable<Ticket>, IQueryable<Ticket>>>();

    /// <summary>Queues a recompute of the open tickets the filter selects.</summary>
    public void Recompute(Func<IQueryable<Ticket>, IQueryable<Ticket>> which) => _queue.Writer.TryWrite(which);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var recompute = Task.Run(() => DrainAsync(stoppingToken), stoppingToken);
        using var timer = new PeriodicTimer(RefreshEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    while (await sla.RefreshDueAsync(stoppingToken) == SlaService.BatchSize)
                    {
                        // A full batch: more may be due; keep going until caught up.
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    log.LogError(ex, "Refreshing SLA states failed; trying again in {Interval}", RefreshEvery);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }

        await recompute;
    }

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

using Portal.Core.Operations;

namespace Portal.Jobs;

/// <summary>
/// Registered before the scheduler, so it stops after it: waits one scheduler tick, so that a tick already under way
/// when the app stops finishes while the services it needs still exist (otherwise it can fail the process on its way out);
/// then gives up the sweep's lease, so another node takes the sweep over at its next tick instead of after the lease.
/// </summary>
public sealed class SchedulerDrain(LeaseService leases, ILogger<SchedulerDrain> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.2), CancellationToken.None);
        try
        {
            await leases.ReleaseAsync(EscalationSweepJob.LeaseName, CancellationToken.None);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Could not give up the sweep's lease; another node takes it over when it expires");
        }
    }
}

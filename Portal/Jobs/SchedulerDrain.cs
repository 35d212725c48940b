namespace Portal.Jobs;

/// <summary>
/// Registered before the scheduler, so it stops after it: waits one scheduler tick, so that a tick already under way
/// when the app stops finishes while the services it needs still exist (otherwise it can fail the process on its way out).
/// </summary>
public sealed class SchedulerDrain : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.Delay(TimeSpan.FromSeconds(1.2), CancellationToken.None);
}

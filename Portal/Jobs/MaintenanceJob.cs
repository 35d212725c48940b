using Coravel.Invocable;
using Portal.Core.Assets;

namespace Portal.Jobs;

/// <summary>
/// Every few minutes (Assets:MaintenanceMinutes, default 5): files the preventive maintenance tickets that are due.
/// Filing each ticket once per due date comes from the database (the run's key), not from this scheduler.
/// </summary>
public sealed class MaintenanceJob(MaintenanceService maintenance, ILogger<MaintenanceJob> log) : IInvocable
{
    public async Task Invoke()
    {
        var filed = await maintenance.RunDueAsync();
        if (filed > 0)
            log.LogInformation("Maintenance: {Filed} tickets filed", filed);
    }
}

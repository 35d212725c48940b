using Coravel.Invocable;
using Portal.Core.Approvals;

namespace Portal.Jobs;

/// <summary>
/// Every minute: the reminders and time limits of pending approval steps that fell due (catching up after downtime).
/// Once each comes from the step's version in the database, not from this scheduler, so every node may run it.
/// </summary>
public sealed class ApprovalTimerJob(ApprovalTimers timers, ILogger<ApprovalTimerJob> log) : IInvocable
{
    public async Task Invoke()
    {
        var run = await timers.RunAsync();
        if (run.Reminded + run.TimedOut > 0)
            log.LogInformation("Approvals: {Reminded} reminded, {TimedOut} past their time limit", run.Reminded, run.TimedOut);
    }
}

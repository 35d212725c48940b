using Coravel.Invocable;
using Portal.Core.Reporting;

namespace Portal.Jobs;

/// <summary>
/// Every few minutes (Reports:ScheduleMinutes, default 5): sends the scheduled reports that are due through the
/// outbox. Sending each period once comes from the database (the report's run moves on in the same transaction, and
/// the outbox key names the report and period), not from this scheduler.
/// </summary>
public sealed class ScheduledReportJob(ScheduledReportService reports, ILogger<ScheduledReportJob> log) : IInvocable
{
    public async Task Invoke()
    {
        var queued = await reports.RunDueAsync();
        if (queued > 0)
            log.LogInformation("Scheduled reports: {Queued} emails queued", queued);
    }
}

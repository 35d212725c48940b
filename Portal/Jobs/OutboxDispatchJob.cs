using Coravel.Invocable;
using Portal.Core.Notifications;

namespace Portal.Jobs;

/// <summary>
/// Every few seconds (Notifications:DispatchSeconds, default 5): sends what the outbox holds. A thin shell over
/// Portal.Core; never sending a message twice at once comes from the database claims, not from this scheduler.
/// </summary>
public sealed class OutboxDispatchJob(OutboxDispatcher dispatcher, ILogger<OutboxDispatchJob> log) : IInvocable
{
    public async Task Invoke()
    {
        var result = await dispatcher.DispatchAsync();
        if (result.Sent + result.Retrying + result.Dead > 0)
            log.LogInformation("Outbox: {Sent} sent, {Retrying} to retry, {Dead} moved to dead letter", result.Sent, result.Retrying, result.Dead);
    }
}

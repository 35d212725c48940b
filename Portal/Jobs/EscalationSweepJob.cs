using Coravel.Invocable;
using Portal.Core.Escalations;
using Portal.Core.Sla;

namespace Portal.Jobs;

/// <summary>
/// Every few seconds (Desk:SweepSeconds, default 10): brings stored SLA states up to date where a warning or breach
/// instant has passed, then fires the escalation levels that are due. A thin shell over Portal.Core; exactly-once
/// comes from the database claims, not from this scheduler.
/// </summary>
public sealed class EscalationSweepJob(SlaService sla, EscalationService escalations, ILogger<EscalationSweepJob> log) : IInvocable
{
    public async Task Invoke()
    {
        while (await sla.RefreshDueAsync() == SlaService.BatchSize)
        {
            // A full batch: more states may be due; keep going until caught up.
        }

        var result = await escalations.SweepAsync();
        if (result.Fired > 0)
            log.LogInformation("Escalation sweep fired {Fired} level(s) on {Tickets} ticket(s), {Late} of them late", result.Fired, result.Tickets, result.Late);
    }
}

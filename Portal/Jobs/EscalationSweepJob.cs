using Coravel.Invocable;
using Portal.Core.Escalations;
using Portal.Core.Operations;
using Portal.Core.Sla;

namespace Portal.Jobs;

/// <summary>
/// Every few seconds (Desk:SweepSeconds, default 10): carries on with the SLA recomputes admins' edits left, brings stored
/// SLA states up to date where a warning or breach instant has passed, then fires the escalation levels that are due. A thin shell over Portal.Core; exactly-once
/// comes from the database claims, not from this scheduler. With several nodes, the one holding the sweep's lease
/// sweeps and the others skip (saving work); the lease lasts two intervals (at least 10 s), so when its holder dies
/// another node takes over within three intervals (30 s with the default).
/// </summary>
public sealed class EscalationSweepJob(SlaService sla, EscalationService escalations, LeaseService leases, ILogger<EscalationSweepJob> log) : IInvocable
{
    public const string LeaseName = "escalation-sweep";

    public async Task Invoke()
    {
        var hold = escalations.Interval * 2 < TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : escalations.Interval * 2;
        if (!await leases.TryHoldAsync(LeaseName, hold))
            return; // another node sweeps

        // Recomputes that admins' edits left (durable: they carry on after a restart or on the node that takes over).
        await sla.ContinueRecomputesAsync();
        while (await sla.RefreshDueAsync() == SlaService.BatchSize)
        {
            // A full batch: more states may be due; keep going until caught up.
        }

        var result = await escalations.SweepAsync();
        if (result.Fired > 0)
            log.LogInformation("Escalation sweep fired {Fired} level(s) on {Tickets} ticket(s), {Late} of them late", result.Fired, result.Tickets, result.Late);
    }
}

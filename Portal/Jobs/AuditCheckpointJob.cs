using Coravel.Invocable;
using Portal.Core.Audit;

namespace Portal.Jobs;

/// <summary>Every Audit:CheckpointMinutes (default 15): writes a signed checkpoint of the audit chain's head, when it grew.</summary>
public sealed class AuditCheckpointJob(AuditCheckpoints checkpoints, ILogger<AuditCheckpointJob> log) : IInvocable
{
    public async Task Invoke()
    {
        if (await checkpoints.WriteAsync() is { } written)
            log.LogInformation("Audit checkpoint at entry {Sequence} written to {File}", written.Sequence, checkpoints.FilePath);
    }
}

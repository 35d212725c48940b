using Microsoft.AspNetCore.Components;
using Portal.Core.Audit;

namespace Portal.Security;

/// <summary>
/// Puts a refusal the Core gave this person (a page or action they may not use) on the audit trail, with the page's
/// address. A failure to record is logged and never hides the refusal itself from the person.
/// </summary>
public sealed class AccessLog(CurrentActor current, NavigationManager navigation, AuditService audit, ILogger<AccessLog> log)
{
    public async Task DeniedAsync(Exception refusal)
    {
        try
        {
            var (userId, source) = await current.WhoAsync();
            var path = "/" + navigation.ToBaseRelativePath(navigation.Uri);
            await audit.RecordDeniedAsync(userId, path, refusal.Message, source ?? "portal");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not record a refused access on the audit trail");
        }
    }
}

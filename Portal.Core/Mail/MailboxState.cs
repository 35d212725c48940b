using Microsoft.EntityFrameworkCore;
using Portal.Core.Persistence;

namespace Portal.Core.Mail;

/// <summary>A mailbox's last successful reading, or its last error, for Admin → Email and the readiness check.</summary>
internal static class MailboxState
{
    /// <summary>Straight to the row: a mailbox's state is bookkeeping, not a configuration change for the audit trail.</summary>
    public static async Task RecordAsync(IDbContextFactory<DeskDbContext> dbFactory, DateTime now, int mailboxId, string? error, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (error is null)
            await db.Mailboxes.Where(m => m.Id == mailboxId).ExecuteUpdateAsync(s => s.SetProperty(m => m.LastSuccessAt, now), ct);
        else
            await db.Mailboxes.Where(m => m.Id == mailboxId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.LastError, error.Length > 2000 ? error[..2000] : error).SetProperty(m => m.LastErrorAt, now), ct);
    }
}

/// <summary>Until the app's Entra ID registration is configured, Microsoft Graph mailboxes say so.</summary>
internal sealed class NoGraphTokens : IGraphTokenSource
{
    public Task<string> GetTokenAsync(CancellationToken ct) =>
        throw new GraphException("Microsoft Graph needs the app's Entra ID registration: set AzureAd:TenantId, AzureAd:ClientId and AzureAd:ClientSecret.");
}

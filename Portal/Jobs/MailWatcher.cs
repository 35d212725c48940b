using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Departments;
using Portal.Core.Mail;
using Portal.Core.Persistence;

namespace Portal.Jobs;

/// <summary>
/// Keeps every active IMAP mailbox read: one loop per mailbox that takes in what waits, then waits on the server's IDLE
/// for new mail (re-issued every few minutes, as RFC 2177 asks) or, on a server without IDLE, reads again every
/// <c>Mail:PollSeconds</c>. A mailbox that cannot be read is tried again after the same pause, its error kept for
/// Admin → Email. The set of mailboxes is looked at again every half minute, so an added, changed or switched-off
/// mailbox is followed without a restart. Several nodes may read the same mailbox: the intake takes each message once.
/// </summary>
public sealed class MailWatcher(IDbContextFactory<DeskDbContext> dbFactory, ImapReader imap, IOptions<MailOptions> options, TimeProvider clock,
    ILogger<MailWatcher> log) : BackgroundService
{
    private static readonly TimeSpan IdleFor = TimeSpan.FromMinutes(9);
    private readonly Dictionary<int, (string Signature, CancellationTokenSource Stop, Task Loop)> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await FollowAsync(stoppingToken);
                await Task.Delay(TimeSpan.FromSeconds(30), clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (_, stop, _) in _running.Values)
                await stop.CancelAsync();
            await Task.WhenAll(_running.Values.Select(r => r.Loop));
        }
    }

    /// <summary>Starts a loop for each active IMAP mailbox, and stops (or restarts) the loops of removed or changed ones.</summary>
    internal async Task FollowAsync(CancellationToken ct)
    {
        List<Mailbox> mailboxes;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            mailboxes = await db.Mailboxes.AsNoTracking().Where(m => m.IsActive && m.Kind == MailboxKind.Imap).ToListAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogWarning(ex, "Could not list the mailboxes; trying again shortly");
            return;
        }

        foreach (var (id, running) in _running.ToList())
        {
            if (mailboxes.Any(m => m.Id == id && Signature(m) == running.Signature) && !running.Loop.IsCompleted)
                continue;
            await running.Stop.CancelAsync();
            _running.Remove(id);
        }

        foreach (var mailbox in mailboxes.Where(m => !_running.ContainsKey(m.Id)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _running[mailbox.Id] = (Signature(mailbox), stop, Task.Run(() => WatchAsync(mailbox, stop.Token), CancellationToken.None));
        }
    }

    private async Task WatchAsync(Mailbox mailbox, CancellationToken ct)
    {
        var pause = TimeSpan.FromSeconds(options.Value.PollSeconds);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var read = await imap.ReadAsync(mailbox, IdleFor, ct);
                if (read.Taken > 0)
                    log.LogInformation("Took in {Count} messages from {Address}: {Lines}", read.Taken, mailbox.Address, string.Join("; ", read.Results.Select(r => r.Line)));
                if (read.Idled)
                    continue;
            }
            catch (MailboxUnavailableException)
            {
                // Logged and kept on the mailbox by the reader.
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogError(ex, "Reading the mailbox {Address} failed unexpectedly; trying again in {Seconds} s", mailbox.Address, pause.TotalSeconds);
            }

            try
            {
                await Task.Delay(pause, clock, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Signature(Mailbox m) => string.Join('|', m.Address, m.Host, m.Port, m.Security, m.UserName, m.Folder, m.ProcessedFolder);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Departments;
using Portal.Core.Mail;
using Portal.Core.Persistence;

namespace Portal.Jobs;

/// <summary>
/// Keeps every active IMAP and Microsoft 365 mailbox read: one loop per mailbox that takes in what waits, then waits on
/// the server's IDLE for new mail (re-issued every few minutes, as RFC 2177 asks) or, on a server without IDLE and for
/// Microsoft Graph, reads again every <c>Mail:PollSeconds</c>. A mailbox that cannot be read is tried again after the same pause, its error kept for
/// Admin → Email. The set of mailboxes is looked at again every half minute, so an added, changed or switched-off
/// mailbox is followed without a restart. Several nodes may read the same mailbox: the intake takes each message once.
/// </summary>
public sealed class MailWatcher(IDbContextFactory<DeskDbContext> dbFactory, ImapReader imap, GraphReader graph, IOptions<MailOptions> options,
    TimeProvider clock, Core.Tickets.TicketChangeFeed feed, Core.Operations.LeaseService leases, ILogger<MailWatcher> log) : BackgroundService
{
    public const string AnnounceLease = "mail-announce";
    private static readonly TimeSpan IdleFor = TimeSpan.FromMinutes(9);
    private long _announcedUpTo = -1;
    private readonly Dictionary<int, (string Signature, CancellationTokenSource Stop, Task Loop)> _running = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var announcing = Task.Run(() => AnnounceLoopAsync(stoppingToken), CancellationToken.None);
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
            await Task.WhenAll(_running.Values.Select(r => r.Loop).Append(announcing));
        }
    }

    /// <summary>
    /// Mail taken in by another process (the <c>mail ingest</c> pipe) changed tickets that this process's pages did not
    /// hear of: every few seconds one node (the lease holder) announces the tickets of messages it has not seen yet, so
    /// new work from the pipe appears on open queues by itself (through Redis on the other nodes).
    /// </summary>
    private async Task AnnounceLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (await leases.TryHoldAsync(AnnounceLease, TimeSpan.FromSeconds(15), ct))
                    await AnnounceOnceAsync(ct);
                await Task.Delay(TimeSpan.FromSeconds(3), clock, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Could not announce the tickets of mail taken in elsewhere; trying again shortly");
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), clock, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Announces the tickets of messages taken in since the last call (the first call only notes where it stands).</summary>
    internal async Task<int> AnnounceOnceAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (_announcedUpTo < 0)
        {
            _announcedUpTo = await db.InboundMessages.MaxAsync(m => (long?)m.Id, ct) ?? 0;
            return 0;
        }

        var rows = await db.InboundMessages.AsNoTracking()
            .Where(m => m.Id > _announcedUpTo && m.TicketId != null && (m.Outcome == MailOutcome.Created || m.Outcome == MailOutcome.Replied))
            .OrderBy(m => m.Id).Take(500)
            .Select(m => new { m.Id, TicketId = m.TicketId!.Value, m.Outcome, DepartmentId = db.Tickets.Where(t => t.Id == m.TicketId).Select(t => t.DepartmentId).First() })
            .ToListAsync(ct);
        foreach (var row in rows)
            feed.Publish(new Core.Tickets.TicketChanged(row.TicketId, row.DepartmentId,
                row.Outcome == MailOutcome.Created ? Core.Tickets.TicketChangeKind.Created : Core.Tickets.TicketChangeKind.Reply));
        if (rows.Count > 0)
            _announcedUpTo = rows[^1].Id;
        return rows.Count;
    }

    /// <summary>Starts a loop for each active IMAP mailbox, and stops (or restarts) the loops of removed or changed ones.</summary>
    internal async Task FollowAsync(CancellationToken ct)
    {
        List<Mailbox> mailboxes;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            mailboxes = await db.Mailboxes.AsNoTracking().Where(m => m.IsActive && m.Kind != MailboxKind.Pipe).ToListAsync(ct);
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
                var read = mailbox.Kind == MailboxKind.Graph ? await graph.ReadAsync(mailbox, ct) : await imap.ReadAsync(mailbox, IdleFor, ct);
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

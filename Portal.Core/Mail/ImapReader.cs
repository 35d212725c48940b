using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Departments;
using Portal.Core.Persistence;

namespace Portal.Core.Mail;

/// <summary>What one reading of a mailbox did.</summary>
/// <param name="Idled">It waited on the server's IDLE (a server without IDLE is read again after a pause instead).</param>
public sealed record MailboxRead(int Taken, IReadOnlyList<MailResult> Results, bool Idled);

/// <summary>
/// Reads a department's mailbox over IMAP (MailKit): every message not yet processed goes through the intake, then is
/// moved to the processed folder (or marked, when none is set). Marking comes after the intake's commit, so a crash in
/// between leaves the message to be read again, which the intake then knows as a duplicate: each message counts once.
/// The mailbox's last success or last error is kept for Admin → Email and the readiness check.
/// </summary>
public sealed class ImapReader(IDbContextFactory<DeskDbContext> dbFactory, MailIntake intake, IOptions<MailOptions> options, TimeProvider clock,
    ILogger<ImapReader> log)
{
    /// <summary>The keyword a processed message gets when the mailbox has no processed folder.</summary>
    public const string ProcessedKeyword = "InternalDeskDone";

    /// <summary>Connects, takes in what waits, and (when <paramref name="idle"/> and the server offers IDLE) stays until new mail arrives or the wait ends.</summary>
    public async Task<MailboxRead> ReadAsync(Mailbox mailbox, TimeSpan? idle = null, CancellationToken ct = default)
    {
        try
        {
            using var client = new ImapClient { Timeout = 60_000 };
            var folder = await OpenAsync(client, mailbox, ct);
            var results = await TakeAsync(client, folder, mailbox, ct);
            await RecordAsync(mailbox.Id, null, ct);
            var idled = false;
            if (idle is { } wait && client.Capabilities.HasFlag(ImapCapabilities.Idle))
            {
                idled = true;
                using var arrived = CancellationTokenSource.CreateLinkedTokenSource(ct);
                arrived.CancelAfter(wait);
                void OnCount(object? sender, EventArgs e) => arrived.Cancel();
                folder.CountChanged += OnCount;
                try
                {
                    await client.IdleAsync(arrived.Token, ct);
                }
                finally
                {
                    folder.CountChanged -= OnCount;
                }

                results = [.. results, .. await TakeAsync(client, folder, mailbox, ct)];
                await RecordAsync(mailbox.Id, null, ct);
            }

            await client.DisconnectAsync(quit: true, ct);
            return new MailboxRead(results.Count, results, idled);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var message = Describe(mailbox, ex);
            log.LogWarning(ex, "Could not read the mailbox {Address}: {Problem}", mailbox.Address, message);
            await RecordAsync(mailbox.Id, message, CancellationToken.None);
            throw new MailboxUnavailableException(message, ex);
        }
    }

    private async Task<IMailFolder> OpenAsync(ImapClient client, Mailbox mailbox, CancellationToken ct)
    {
        var security = mailbox.Security switch
        {
            "StartTls" => SecureSocketOptions.StartTls,
            "None" => SecureSocketOptions.None,
            _ => SecureSocketOptions.SslOnConnect,
        };
        await client.ConnectAsync(mailbox.Host ?? "", mailbox.Port, security, ct);
        options.Value.Inbound.TryGetValue(mailbox.Address, out var secret);
        if (!string.IsNullOrEmpty(secret?.AccessToken))
            await client.AuthenticateAsync(new SaslMechanismOAuth2(mailbox.UserName ?? "", secret.AccessToken), ct);
        else
            await client.AuthenticateAsync(mailbox.UserName ?? "", secret?.Password ?? "", ct);
        var folder = string.Equals(mailbox.Folder, "INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(mailbox.Folder, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        return folder;
    }

    private async Task<List<MailResult>> TakeAsync(ImapClient client, IMailFolder folder, Mailbox mailbox, CancellationToken ct)
    {
        var target = mailbox.ProcessedFolder is { Length: > 0 } name ? await ProcessedFolderAsync(client, name, ct) : null;
        var keyword = folder.PermanentFlags.HasFlag(MessageFlags.UserDefined);
        var waiting = await folder.SearchAsync(target is not null ? SearchQuery.All : keyword ? SearchQuery.NotKeyword(ProcessedKeyword) : SearchQuery.NotSeen, ct);
        var results = new List<MailResult>();
        foreach (var uid in waiting)
        {
            using var buffer = new MemoryStream();
            await using (var stream = await folder.GetStreamAsync(uid, ct))
                await stream.CopyToAsync(buffer, ct);
            results.Add(await intake.TakeFromMailboxAsync(buffer.ToArray(), mailbox, ct));
            // Only now, after the intake committed, is the message marked: a crash before this reads it again, as a duplicate.
            if (target is not null)
                await folder.MoveToAsync(uid, target, ct);
            else if (keyword)
                await folder.AddFlagsAsync(uid, MessageFlags.Seen, new HashSet<string> { ProcessedKeyword }, silent: true, ct);
            else
                await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, ct);
        }

        return results;
    }

    private static async Task<IMailFolder> ProcessedFolderAsync(ImapClient client, string name, CancellationToken ct)
    {
        var root = client.GetFolder(client.PersonalNamespaces[0]);
        IMailFolder? folder;
        try
        {
            folder = await root.GetSubfolderAsync(name, ct);
        }
        catch (FolderNotFoundException)
        {
            folder = null;
        }

        return folder ?? await root.CreateAsync(name, isMessageFolder: true, ct)
            ?? throw new InvalidOperationException($"The server would not make the folder \"{name}\".");
    }

    private Task RecordAsync(int mailboxId, string? error, CancellationToken ct) =>
        MailboxState.RecordAsync(dbFactory, clock.GetUtcNow().UtcDateTime, mailboxId, error, ct);

    /// <summary>What went wrong, in words an admin can act on.</summary>
    private static string Describe(Mailbox mailbox, Exception ex) => ex switch
    {
        AuthenticationException => $"{mailbox.Host} refused the sign-in of {mailbox.UserName}: {ex.Message}",
        System.Net.Sockets.SocketException or TimeoutException => $"Could not reach {mailbox.Host}:{mailbox.Port}: {ex.Message}",
        SslHandshakeException => $"The TLS handshake with {mailbox.Host}:{mailbox.Port} failed: {ex.Message}",
        FolderNotFoundException => $"{mailbox.Host} has no folder \"{mailbox.Folder}\".",
        _ => $"{mailbox.Host}:{mailbox.Port}: {ex.Message}",
    };
}

/// <summary>A mailbox could not be read (its state says why); the watcher tries again later.</summary>
public sealed class MailboxUnavailableException(string message, Exception inner) : Exception(message, inner);

using System.Net;
using System.Security.Cryptography;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Core.Persistence;

namespace Portal.Core.Notifications;

/// <summary>A way out for outbox messages. Throws when the message was not accepted (the dispatcher retries it).</summary>
public interface INotificationChannel
{
    OutboxChannel Channel { get; }

    Task SendAsync(OutboxMessage message, CancellationToken ct);
}

/// <summary>Email over SMTP with MailKit: plain text and HTML bodies; the idempotency key is the Message-Id.</summary>
public sealed class EmailChannel(IOptions<DeliveryOptions> options, IDbContextFactory<DeskDbContext> dbFactory, IEnumerable<IEmailAddition> additions)
    : INotificationChannel
{
    public OutboxChannel Channel => OutboxChannel.Email;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var email = options.Value.Email;
        if (!email.Enabled)
            throw new InvalidOperationException("Email is not configured (Notifications:Email:Host).");
        string? address;
        string? name;
        string? mailKey = null;
        string? replyTo = null;
        string? added = null;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            foreach (var addition in additions)
                added ??= await addition.LinesAsync(db, message, ct);

            if (message.Target.StartsWith(NotificationService.AddressTarget, StringComparison.Ordinal))
            {
                // A letter to someone without an account (the answer to mail from outside the organisation).
                (address, name) = (message.Target[NotificationService.AddressTarget.Length..], null);
            }
            else
            {
                var user = await db.Users.AsNoTracking().Where(u => u.Id == message.Target).Select(u => new { u.Email, u.DisplayName, u.IsActive })
                    .FirstOrDefaultAsync(ct);
                if (user is null || !user.IsActive || string.IsNullOrWhiteSpace(user.Email))
                    throw new InvalidOperationException("The recipient has no active account with an email address.");
                (address, name) = (user.Email, user.DisplayName);
            }

            // Mail about a ticket is made to be answered: the Reply-To goes to its department's mailbox with the ticket's
            // reply key (it+k7f3q2xa9m@...), and the Message-Id carries the key too, for mail apps that answer to it.
            if (added is null && message.TicketId is { } ticketId
                && await db.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => new { t.MailKey, t.DepartmentId }).FirstOrDefaultAsync(ct) is { } ticket)
            {
                mailKey = ticket.MailKey;
                var mailbox = await db.Mailboxes.AsNoTracking().Where(m => m.DepartmentId == ticket.DepartmentId && m.IsActive)
                    .OrderBy(m => m.Id).Select(m => m.Address).FirstOrDefaultAsync(ct);
                if (mailbox is not null && mailKey is not null)
                    replyTo = mailbox.Insert(mailbox.IndexOf('@'), "+" + mailKey);
            }
        }

        string subject, text, html;
        var letter = message.EventKey.StartsWith(NotificationService.LetterPrefix, StringComparison.Ordinal);
        if (letter || (message.TicketId is null && message.EventKey.StartsWith("report:", StringComparison.Ordinal)))
        {
            // A scheduled report carries its own subject and text (a table), not a ticket's values.
            (subject, text) = (message.Subject, message.Body);
            html = "<!DOCTYPE html><html><body><pre style=\"font-family: monospace\">" + WebUtility.HtmlEncode(text) + "</pre></body></html>";
        }
        else
        {
            var values = MessageValues.Read(message.Body);
            var templates = options.Value.Templates;
            subject = values.Fill(templates.EmailSubject, "Notifications:Templates:EmailSubject");
            text = values.Fill(templates.EmailText, "Notifications:Templates:EmailText");
            html = Html(text);
        }

        if (replyTo is not null)
        {
            text = Tickets.MailKeys.ReplyAboveLine + "\n\n" + text;
            html = Html(text);
        }
        else if (added is not null)
        {
            text += "\n\n" + added;
            html = Html(text);
        }

        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(email.From));
        mime.To.Add(new MailboxAddress(name, address));
        mime.Subject = subject;
        // A repeat after a crash carries the same Message-Id, so mail systems (and people) can drop the duplicate.
        mime.MessageId = added is null ? Tickets.MailKeys.MessageId(mailKey, message.IdempotencyKey) : Tickets.MailKeys.NotForRepliesId(message.IdempotencyKey);
        if (replyTo is not null)
            mime.ReplyTo.Add(MailboxAddress.Parse(replyTo));
        // Never answered by auto-responders (and never taken in by the desk itself).
        mime.Headers.Add(HeaderId.AutoSubmitted, letter ? "auto-replied" : "auto-generated");
        mime.Body = new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();

        using var smtp = new SmtpClient { Timeout = email.TimeoutSeconds * 1000 };
        var security = Enum.TryParse<SecureSocketOptions>(email.Security, ignoreCase: true, out var s) ? s : SecureSocketOptions.StartTlsWhenAvailable;
        try
        {
            await smtp.ConnectAsync(email.Host!, email.Port, security, ct);
            if (!string.IsNullOrEmpty(email.UserName))
                await smtp.AuthenticateAsync(email.UserName, email.Password ?? "", ct);
            await smtp.SendAsync(mime, ct);
            await smtp.DisconnectAsync(quit: true, ct);
        }
        catch (SmtpCommandException ex)
        {
            // Say plainly who refused what: "the mail server refused ada@example.org: 550 mailbox unavailable".
            var who = ex.Mailbox?.Address ?? address;
            throw new InvalidOperationException($"The mail server {email.Host}:{email.Port} refused {who}: {(int)ex.StatusCode} {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or SslHandshakeException or AuthenticationException)
        {
            throw new InvalidOperationException($"Could not deliver through the mail server {email.Host}:{email.Port}: {ex.Message}", ex);
        }
    }

    /// <summary>The plain text as HTML: encoded, one paragraph per block, links made clickable.</summary>
    internal static string Html(string text)
    {
        var blocks = text.Replace("\r", "", StringComparison.Ordinal).Split("\n\n").Select(block =>
        {
            var lines = block.Split('\n').Select(line =>
            {
                var encoded = WebUtility.HtmlEncode(line);
                var at = line.IndexOf("http", StringComparison.Ordinal);
                if (at < 0)
                    return encoded;
                var url = line[at..].Trim();
                return WebUtility.HtmlEncode(line[..at]) + $"<a href=\"{WebUtility.HtmlEncode(url)}\">{WebUtility.HtmlEncode(url)}</a>";
            });
            return "<p>" + string.Join("<br>", lines) + "</p>";
        });
        return "<!DOCTYPE html><html><body style=\"font-family: sans-serif\">" + string.Concat(blocks) + "</body></html>";
    }
}

/// <summary>
/// A JSON POST to a configured webhook, signed with an HMAC of the body, with the idempotency key in a header.
/// </summary>
public sealed class WebhookChannel(IOptions<DeliveryOptions> options, IHttpClientFactory http) : INotificationChannel
{
    public const string ClientName = "webhooks";
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);
    public const string SignatureHeader = "X-InternalDesk-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";

    public OutboxChannel Channel => OutboxChannel.Webhook;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var hook = options.Value.Webhooks.FirstOrDefault(h => h.Name == message.Target)
            ?? throw new InvalidOperationException($"No webhook named \"{message.Target}\" is configured any more.");
        var body = Payload(hook, MessageValues.Read(message.Body), options.Value.Templates);
        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(IdempotencyHeader, message.IdempotencyKey);
        if (!string.IsNullOrEmpty(hook.Secret))
            request.Headers.Add(SignatureHeader, Sign(hook.Secret, body));
        using var client = http.CreateClient(ClientName);
        client.Timeout = TimeSpan.FromSeconds(30);
        using var response = await client.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{hook.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    }

    /// <summary>Teams and Slack take a "text" message on their incoming webhooks; other systems get the whole event.</summary>
    internal static string Payload(WebhookOptions hook, MessageValues v, TemplateOptions templates)
    {
        object payload = hook.Format.ToUpperInvariant() switch
        {
            "TEAMS" or "SLACK" => new { text = v.Fill(templates.ChatText, "Notifications:Templates:ChatText") },
            _ => new
            {
                @event = v.Event, what = v.What, at = v.At,
                ticket = new { id = v.TicketId, key = v.Key, title = v.Title, status = v.Status, priority = v.Priority, due = v.Due, link = v.Link },
            },
        };
        return System.Text.Json.JsonSerializer.Serialize(payload, Json);
    }

    /// <summary>sha256=HEX(HMAC-SHA256(secret, body)), as receivers recompute it.</summary>
    public static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
}

/// <summary>A text message through the configured HTTP SMS gateway, to the recipient's mobile number.</summary>
public sealed class SmsChannel(IOptions<DeliveryOptions> options, IHttpClientFactory http, IDbContextFactory<DeskDbContext> dbFactory) : INotificationChannel
{
    public OutboxChannel Channel => OutboxChannel.Sms;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var sms = options.Value.Sms;
        if (!sms.Enabled)
            throw new InvalidOperationException("No SMS gateway is configured (Notifications:Sms:Url).");
        string? phone;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            phone = await db.Users.AsNoTracking().Where(u => u.Id == message.Target && u.IsActive).Select(u => u.PhoneNumber).FirstOrDefaultAsync(ct);
        if (string.IsNullOrWhiteSpace(phone))
            throw new InvalidOperationException("The recipient has no mobile number.");
        var filled = MessageValues.Read(message.Body).Fill(options.Value.Templates.SmsText, "Notifications:Templates:SmsText");
        var text = filled.Length > 300 ? filled[..300] : filled;
        var fields = sms.Fields.ToDictionary(f => f.Key, f => f.Value.Replace("{to}", phone, StringComparison.Ordinal)
            .Replace("{text}", text, StringComparison.Ordinal).Replace("{from}", sms.From, StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Post, sms.Url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add(WebhookChannel.IdempotencyHeader, message.IdempotencyKey);
        if (!string.IsNullOrEmpty(sms.UserName))
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sms.UserName}:{sms.Password}")));
        using var client = http.CreateClient(WebhookChannel.ClientName);
        using var response = await client.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The SMS gateway answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    }
}

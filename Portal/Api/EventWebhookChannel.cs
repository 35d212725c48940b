using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Assets;
using Portal.Core.Common;
using Portal.Core.Handling;
using Portal.Core.Notifications;
using Portal.Core.Persistence;
using Portal.Core.Security;

namespace Portal.Api;

/// <summary>
/// Delivers events to admins' webhook subscriptions, the Standard Webhooks way: a JSON POST of
/// <c>{ type, timestamp, data }</c> with the headers webhook-id (the same on every attempt), webhook-timestamp (Unix
/// seconds) and webhook-signature (<c>v1,</c> and base64 of HMAC-SHA256 over <c>id.timestamp.body</c>, keyed with the
/// secret's bytes), so receivers can check it with the published libraries. The ticket (or asset) in <c>data</c> is read
/// when the event is delivered, as the API returns it; what changed is as it was when the event happened. Every attempt
/// is written to the delivery log with the answer's status and first bytes. Any answer but 2xx is a failure, retried by
/// the outbox with backoff; the redirect of an answer is not followed.
/// </summary>
public sealed class EventWebhookChannel(IDbContextFactory<DeskDbContext> dbFactory, IHttpClientFactory http, TicketQueries tickets, AssetService assets,
    TimeProvider clock) : INotificationChannel
{
    public const string ClientName = "event-webhooks";

    /// <summary>Reads what an event is about with every right (an admin chose to send it out), names as the API gives them.</summary>
    private static readonly Actor Reader = new("webhooks", "Webhooks", DeskRole.Admin, new HashSet<int>());

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public OutboxChannel Channel => OutboxChannel.Event;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        if (!int.TryParse(message.Target, CultureInfo.InvariantCulture, out var subscriptionId))
            throw new InvalidOperationException($"\"{message.Target}\" is not a webhook subscription.");
        WebhookSubscription? subscription;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            subscription = await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId, ct);
        if (subscription is null)
            throw new InvalidOperationException("The webhook subscription was deleted.");
        var envelope = WebhookEnvelope.Read(message.Body);
        if (!subscription.IsActive && envelope.Type != WebhookEvents.Test)
            throw new InvalidOperationException($"The webhook \"{subscription.Name}\" is switched off; switch it on and redeliver.");

        var body = await PayloadAsync(envelope, ct);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", message.IdempotencyKey);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Sign(subscription.Secret, message.IdempotencyKey, timestamp, body));
        request.Headers.UserAgent.ParseAdd("InternalDesk-Webhooks/1");

        var attempt = new WebhookDelivery
        {
            SubscriptionId = subscription.Id, OutboxMessageId = message.Id, EventType = envelope.Type, Attempt = message.Attempts,
            At = clock.GetUtcNow().UtcDateTime,
        };
        var watch = Stopwatch.StartNew();
        string? failure = null;
        try
        {
            using var client = http.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            attempt.StatusCode = (int)response.StatusCode;
            attempt.Succeeded = response.IsSuccessStatusCode;
            attempt.Response = await FirstBytesAsync(response, ct);
            if (!attempt.Succeeded)
                failure = $"{subscription.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            failure = ex is TaskCanceledException ? $"{subscription.Url} did not answer within {Timeout.TotalSeconds:0} seconds." : $"{subscription.Url}: {ex.Message}";
            attempt.Response = failure;
        }

        attempt.DurationMs = (int)Math.Min(int.MaxValue, watch.ElapsedMilliseconds);
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            db.WebhookDeliveries.Add(attempt);
            await db.SaveChangesAsync(CancellationToken.None);
        }

        if (failure is not null)
            throw new HttpRequestException(failure);
    }

    /// <summary>How long a receiver has to answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The body receivers get: the event's type and instant, and its data with the ticket or asset as the API returns it now.</summary>
    internal async Task<string> PayloadAsync(WebhookEnvelope e, CancellationToken ct)
    {
        var data = new JsonObject();
        if (e.TicketId is { } ticketId)
        {
            try
            {
                data["ticket"] = JsonSerializer.SerializeToNode(ApiTicket.From(await tickets.GetAsync(Reader, ticketId, withHistory: false, ct)), Json);
            }
            catch (DeskNotFoundException)
            {
                data["ticket"] = new JsonObject { ["id"] = ticketId, ["deleted"] = true };
            }
        }

        if (e.AssetId is { } assetId)
        {
            try
            {
                data["asset"] = JsonSerializer.SerializeToNode(await assets.GetAsync(Reader, assetId, ct), Json);
            }
            catch (DeskNotFoundException)
            {
                data["asset"] = new JsonObject { ["id"] = assetId, ["deleted"] = true };
            }
        }

        if (e.ActorId is { } actorId)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var who = await db.Users.AsNoTracking().Where(u => u.Id == actorId).Select(u => new { u.DisplayName, u.Email }).FirstOrDefaultAsync(ct);
            data["actor"] = new JsonObject { ["id"] = actorId, ["name"] = who?.DisplayName, ["email"] = who?.Email };
        }

        if (e.Changes is not null)
            data["changes"] = e.Changes.DeepClone();
        if (e.Extra is not null)
            foreach (var (key, value) in e.Extra)
                data[key] = value?.DeepClone();
        var payload = new JsonObject { ["type"] = e.Type, ["timestamp"] = DateTime.SpecifyKind(e.At, DateTimeKind.Utc), ["data"] = data };
        return payload.ToJsonString(Json);
    }

    /// <summary>The Standard Webhooks signature: <c>v1,</c> base64(HMAC-SHA256(secret bytes, "id.timestamp.body")).</summary>
    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith(WebhookAdminServicePrefix, StringComparison.Ordinal) ? secret[WebhookAdminServicePrefix.Length..] : secret);
        var signed = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
    }

    private const string WebhookAdminServicePrefix = Portal.Core.Admin.WebhookAdminService.SecretPrefix;

    private static async Task<string?> FirstBytesAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[WebhookOutbox.ResponseKept];
        var read = 0;
        while (read < buffer.Length && await stream.ReadAsync(buffer.AsMemory(read), ct) is var n and > 0)
            read += n;
        if (read == 0)
            return null;
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return read == buffer.Length ? text + " …" : text;
    }
}

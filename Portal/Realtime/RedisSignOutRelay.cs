using System.Text.Json;
using Portal.Core.Operations;
using Portal.Core.Users;
using StackExchange.Redis;

namespace Portal.Realtime;

/// <summary>
/// With several nodes: tells the other nodes when a person's sign-ins ended here, so that their open pages and hub
/// connections on every node close at once (without Redis, each node finds out at its next periodic check, and every
/// unit of work is refused meanwhile by the stamp check in the database).
/// </summary>
public sealed class RedisSignOutRelay(SessionRevocations revocations, IConnectionMultiplexer redis, LeaseService node, ILogger<RedisSignOutRelay> log)
    : IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("internaldesk:sign-outs");

    private sealed record Message(string Node, string UserId);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await redis.GetSubscriber().SubscribeAsync(Channel, (_, value) => Receive(value));
        revocations.Revoked += Send;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        revocations.Revoked -= Send;
        await redis.GetSubscriber().UnsubscribeAsync(Channel);
    }

    private void Send(SessionRevoked revoked)
    {
        if (revoked.FromNode is not null)
            return;
        _ = PublishAsync(JsonSerializer.Serialize(new Message(node.Node, revoked.UserId)));
    }

    private async Task PublishAsync(string json)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, json);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Could not tell the other nodes that a person was signed out; they find out at their next periodic check");
        }
    }

    private void Receive(RedisValue value)
    {
        try
        {
            if (JsonSerializer.Deserialize<Message>(value.ToString()) is { } message && message.Node != node.Node)
                revocations.Publish(new SessionRevoked(message.UserId) { FromNode = message.Node });
        }
        catch (JsonException ex)
        {
            log.LogWarning(ex, "A message on the sign-out channel could not be read");
        }
    }
}

using System.Text.Json;
using Portal.Core.Operations;
using Portal.Core.Tickets;
using StackExchange.Redis;

namespace Portal.Realtime;

/// <summary>
/// With several nodes (Redis:Configuration set): publishes this node's committed ticket changes on a Redis channel
/// and hands the other nodes' changes to this node's feed, so that open pages (queues, boards, dashboards, ticket
/// pages) on every node follow a change made on any of them. Hub clients get other nodes' changes through SignalR's
/// Redis backplane instead (<see cref="DeskHubRelay"/> relays only this node's own).
/// </summary>
public sealed class RedisChangeRelay(TicketChangeFeed feed, IConnectionMultiplexer redis, LeaseService node, ILogger<RedisChangeRelay> log)
    : IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("internaldesk:ticket-changes");

    private sealed record Message(string Node, int TicketId, int DepartmentId, string What, IReadOnlyList<string>? Notified);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await redis.GetSubscriber().SubscribeAsync(Channel, (_, value) => Receive(value));
        feed.Changed += Send;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        feed.Changed -= Send;
        await redis.GetSubscriber().UnsubscribeAsync(Channel);
    }

    private void Send(TicketChanged change)
    {
        if (change.FromNode is not null)
            return; // another node's change, already published by it
        var message = new Message(node.Node, change.TicketId, change.DepartmentId, change.What, change.Notified?.ToList());
        _ = PublishAsync(JsonSerializer.Serialize(message));
    }

    private async Task PublishAsync(string json)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, json);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Could not publish a ticket change to the other nodes; their open pages catch up at their next change");
        }
    }

    private void Receive(RedisValue value)
    {
        try
        {
            var message = JsonSerializer.Deserialize<Message>(value.ToString());
            if (message is null || message.Node == node.Node || TicketChanged.FromWireName(message.What) is not { } kind)
                return;
            feed.Publish(new TicketChanged(message.TicketId, message.DepartmentId, kind)
            {
                Notified = message.Notified?.ToHashSet(), FromNode = message.Node,
            });
        }
        catch (JsonException ex)
        {
            log.LogWarning(ex, "A message on the ticket-change channel could not be read");
        }
    }
}

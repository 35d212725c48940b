using System.Text.Json.Nodes;
using Portal.Core.Notifications;
using Portal.Core.Tickets;

namespace Portal.Core.Handling;

/// <summary>The pipeline's webhook step: which events a committed ticket change is, for the subscriptions that want them.</summary>
public static class TicketWebhookEvents
{
    /// <summary>The events of a committed ticket change: what it did, in the order a receiver would tell it.</summary>
    public static IEnumerable<string> TicketTypes(TicketChange change)
    {
        var kinds = change.Events.Select(e => e.Kind).ToHashSet();
        if (change.Kind == TicketChangeKind.Created)
            yield return WebhookEvents.TicketCreated;
        else if (kinds.Any(k => k is not (TicketEventKind.Reply or TicketEventKind.InternalNote or TicketEventKind.Escalated
                     or TicketEventKind.Created)))
            yield return WebhookEvents.TicketUpdated;
        if (change.Kind != TicketChangeKind.Created && change.Events.Any(e => e.Kind == TicketEventKind.Reply && e.IsPublic))
            yield return WebhookEvents.TicketReplied;
        if (kinds.Contains(TicketEventKind.InternalNote))
            yield return WebhookEvents.TicketNoted;
        if (change.StatusChanged && change.Ticket.Status == TicketStatus.Resolved)
            yield return WebhookEvents.TicketResolved;
        if (kinds.Contains(TicketEventKind.ApprovalDecided))
            yield return WebhookEvents.ApprovalDecided;
        if (kinds.Contains(TicketEventKind.ApprovalRequested))
            yield return WebhookEvents.ApprovalRequested;
    }

    /// <summary>The pipeline's webhook step: the change's events, and a ticket.updated for each other ticket it moved.</summary>
    public static async Task AddForChangeAsync(TicketChange change, CancellationToken ct)
    {
        var db = change.Db;
        // The pipeline has read the active subscriptions (through the node's cache); none: nothing to write.
        if (db.ActiveWebhooks is { Count: 0 })
            return;
        var ticket = change.Ticket;
        var changes = Changes(change.Events);
        var unique = Guid.NewGuid().ToString("N");
        foreach (var type in TicketTypes(change))
            await WebhookOutbox.AddAsync(db, $"{type}:{ticket.Id}:{unique}", new WebhookEnvelope(type, change.Now, ticket.Id, null, change.ActorId, changes, null),
                ticket.DepartmentId, ct);
        foreach (var (type, key, extra) in change.WebhookEvents)
            await WebhookOutbox.AddAsync(db, $"{type}:{key}", new WebhookEnvelope(type, change.Now, ticket.Id, null, change.ActorId, changes, extra), ticket.DepartmentId, ct);
        foreach (var other in change.AlsoChanged)
            await WebhookOutbox.AddAsync(db, $"{WebhookEvents.TicketUpdated}:{other.Id}:{unique}",
                new WebhookEnvelope(WebhookEvents.TicketUpdated, change.Now, other.Id, null, change.ActorId, null, null), other.DepartmentId, ct);
    }

    /// <summary>The history entries of a change as receivers read them (the API's history names).</summary>
    private static JsonArray Changes(IEnumerable<TicketEvent> events)
    {
        var list = new JsonArray();
        foreach (var e in events)
        {
            var item = new JsonObject { ["kind"] = e.Kind.ToString(), ["isPublic"] = e.IsPublic };
            if (e.Subject is not null)
                item["subject"] = e.Subject;
            if (e.OldValue is not null)
                item["oldValue"] = e.OldValue;
            if (e.NewValue is not null)
                item["newValue"] = e.NewValue;
            if (e.Body is not null)
                item["body"] = e.Body;
            list.Add(item);
        }

        return list;
    }
}

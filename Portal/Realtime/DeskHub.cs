using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Portal.Core.Common;
using Portal.Core.Departments;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Security;
using Portal.Core.Handling;

namespace Portal.Realtime;

/// <summary>What a hub client receives: a ticket changed (docs/realtime.md).</summary>
public sealed record TicketChangedMessage(int TicketId, int DepartmentId, string What, DateTime At);

/// <summary>
/// /hubs/desk, for signed-in non-Blazor clients (wallboards, integrations): on connecting, a client joins the
/// groups of the departments its user works in and receives "ticketChanged" for their tickets; any user may also
/// follow one ticket they may see with Follow(ticketId).
/// </summary>
[Authorize]
public sealed class DeskHub(ActorService actors, DepartmentDirectory catalog, TicketQueries tickets, HubSessions sessions) : Hub
{
    public const string Path = "/hubs/desk";

    public static string DepartmentGroup(int departmentId) => $"dept-{departmentId}";

    /// <summary>Staff following a ticket: they hear of every change.</summary>
    public static string TicketGroup(int ticketId) => $"ticket-{ticketId}";

    /// <summary>Requesters and watchers following a ticket they do not work: they hear only of what they can see.</summary>
    public static string FollowerGroup(int ticketId) => $"ticket-{ticketId}-public";

    public override async Task OnConnectedAsync()
    {
        Core.Security.Actor actor;
        try
        {
            actor = await CurrentActor.FromPrincipalAsync(Context.User!, actors);
        }
        catch (DeskForbiddenException ex)
        {
            throw new HubException(ex.Message); // deactivated or signed out everywhere since the cookie was issued
        }

        sessions.Opened(actor.UserId, Context);
        foreach (var department in await catalog.ListWorkDepartmentsAsync(actor))
            await Groups.AddToGroupAsync(Context.ConnectionId, DepartmentGroup(department.Id));
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Closed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Follows one ticket; refused (as not found) when the user may not see it.</summary>
    public async Task Follow(int ticketId)
    {
        TicketDetails details;
        try
        {
            var actor = await CurrentActor.FromPrincipalAsync(Context.User!, actors);
            details = await tickets.GetAsync(actor, ticketId);
        }
        catch (Exception ex) when (ex is DeskNotFoundException or DeskForbiddenException)
        {
            throw new HubException(ex.Message);
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, details.StaffView ? TicketGroup(ticketId) : FollowerGroup(ticketId));
    }
}

/// <summary>Relays committed ticket changes from the in-process feed to the hub's groups.</summary>
public sealed class DeskHubRelay(TicketChangeFeed feed, IHubContext<DeskHub> hub, TimeProvider clock, ILogger<DeskHubRelay> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        feed.Changed += Relay;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        feed.Changed -= Relay;
        return Task.CompletedTask;
    }

    private void Relay(TicketChanged change)
    {
        // Another node's change reached this node's hub clients through the Redis backplane already.
        if (change.FromNode is not null)
            return;
        var message = new TicketChangedMessage(change.TicketId, change.DepartmentId, change.What, clock.GetUtcNow().UtcDateTime);
        _ = SendAsync(message, TicketChanged.RequesterMayHear(change.Kind));
    }

    private async Task SendAsync(TicketChangedMessage message, bool followersMayHear)
    {
        try
        {
            IReadOnlyList<string> groups = followersMayHear
                ? [DeskHub.DepartmentGroup(message.DepartmentId), DeskHub.TicketGroup(message.TicketId), DeskHub.FollowerGroup(message.TicketId)]
                : [DeskHub.DepartmentGroup(message.DepartmentId), DeskHub.TicketGroup(message.TicketId)];
            await hub.Clients.Groups(groups).SendAsync("ticketChanged", message);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Could not relay a change of ticket {TicketId} to hub clients", message.TicketId);
        }
    }
}

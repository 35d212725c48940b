using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.Core.Tickets;
using Portal.Core.Security;
using Portal.Core.Users;
using Portal.Realtime;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Integration;

/// <summary>The hub for non-Blazor clients: a change made through a service reaches the clients allowed to see it.</summary>
public class DeskHubTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    private HubConnection Connect(string? userId) => new HubConnectionBuilder()
        .WithUrl(new Uri(fx.Factory.Server.BaseAddress, "hubs/desk"), o =>
        {
            o.Transports = HttpTransportType.LongPolling;
            o.HttpMessageHandlerFactory = _ => fx.Factory.Server.CreateHandler();
            if (userId is not null)
                o.Headers[PortalFactory.TestUserHeader] = userId;
        })
        .Build();

    private TicketCommands Tickets => (TicketCommands)fx.Factory.Services.GetService(typeof(TicketCommands))!;

    private TicketFiling Filing => (TicketFiling)fx.Factory.Services.GetService(typeof(TicketFiling))!;

    [Fact]
    public async Task AgentOfTheDepartment_ReceivesTheChange_AgentOfAnotherDoesNot()
    {
        await using var it = Connect(fx.Org.ItAgent.Id);
        await using var hr = Connect(fx.Org.HrAgent.Id);
        var itGot = new TaskCompletionSource<TicketChangedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hrGot = new TaskCompletionSource<TicketChangedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        it.On<TicketChangedMessage>("ticketChanged", m => itGot.TrySetResult(m));
        hr.On<TicketChangedMessage>("ticketChanged", m => { if (m.DepartmentId == fx.Org.It.Id) hrGot.TrySetResult(m); });
        await it.StartAsync();
        await hr.StartAsync();
        // A first call returns only after the server has run OnConnectedAsync (which joins the department groups);
        // the handshake alone can come back before that, and a change in between would be missed.
        await it.InvokeAsync("Follow", fx.ItTicketId);
        await hr.InvokeAsync("Follow", fx.HrTicketId);

        var created = await Filing.CreateAsync(fx.Org.ActorFor(fx.Org.OtherRequester), TicketFactory.Laptop(fx.Org, "Hub test"));

        var message = await itGot.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(created.Id, message.TicketId);
        Assert.Equal("created", message.What);
        Assert.False(hrGot.Task.IsCompleted);
    }

    [Fact]
    public async Task Requester_FollowsTheirOwnRequest_ButNotSomeoneElses()
    {
        var mine = await Filing.CreateAsync(fx.Org.ActorFor(fx.Org.OtherRequester), TicketFactory.Laptop(fx.Org, "Follow me"));
        await using var otto = Connect(fx.Org.OtherRequester.Id);
        var got = new TaskCompletionSource<TicketChangedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        otto.On<TicketChangedMessage>("ticketChanged", m => got.TrySetResult(m));
        await otto.StartAsync();
        await otto.InvokeAsync("Follow", mine.Id);
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => otto.InvokeAsync("Follow", fx.ItTicketId));

        await Tickets.ReplyAsync(fx.Org.ActorFor(fx.Org.ItAgent), mine.Id, "On it", true, []);

        var message = await got.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(mine.Id, message.TicketId);
        Assert.Equal("reply", message.What);
    }

    [Fact]
    public async Task Requester_IsNeverToldThatAnInternalNoteWasWritten()
    {
        var mine = await Filing.CreateAsync(fx.Org.ActorFor(fx.Org.OtherRequester), TicketFactory.Laptop(fx.Org, "Quiet notes"));
        await using var otto = Connect(fx.Org.OtherRequester.Id);
        var heard = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        otto.On<TicketChangedMessage>("ticketChanged", m =>
        {
            heard.Enqueue(m.What);
            if (m.What == "reply")
                reply.TrySetResult();
        });
        await otto.StartAsync();
        await otto.InvokeAsync("Follow", mine.Id);

        await Tickets.ReplyAsync(fx.Org.ActorFor(fx.Org.ItAgent), mine.Id, "Between us: check the warranty", false, []);
        await Tickets.ReplyAsync(fx.Org.ActorFor(fx.Org.ItAgent), mine.Id, "We are on it", true, []);

        await reply.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("note", heard);
    }

    private async Task<string> NewItAgentAsync(string name)
    {
        var users = (UserAdminService)fx.Factory.Services.GetService(typeof(UserAdminService))!;
        return await users.SaveAsync(fx.Org.ActorFor(fx.Org.Admin), new UserInput(null, $"{name}@test.example", name,
            "longenough1", DeskRole.Agent, [fx.Org.It.Id], [], null, "", true));
    }

    private async Task ChangeAsync(string userId, Func<UserInput, UserInput> change)
    {
        var users = (UserAdminService)fx.Factory.Services.GetService(typeof(UserAdminService))!;
        await users.SaveAsync(fx.Org.ActorFor(fx.Org.Admin), change(await users.GetAsync(fx.Org.ActorFor(fx.Org.Admin), userId)));
    }

    /// <summary>A connected client of that user following the IT ticket, and a task that completes when the server closes it.</summary>
    private async Task<(HubConnection Hub, Task Closed)> FollowingAsync(string userId)
    {
        var hub = Connect(userId);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartAsync();
        await hub.InvokeAsync("Follow", fx.ItTicketId);
        return (hub, closed.Task);
    }

    [Fact]
    public async Task AgentRoleTakenAway_ClosesTheConnection_AndTheReconnectHearsNoMoreOfTheDepartment()
    {
        var nina = await NewItAgentAsync("nina");
        var (hub, closed) = await FollowingAsync(nina);
        await using var _ = hub;

        await ChangeAsync(nina, u => u with { Roles = DeskRole.Requester });

        await closed.WaitAsync(TimeSpan.FromSeconds(10));
        await using var again = Connect(nina);
        var heard = new TaskCompletionSource<TicketChangedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        again.On<TicketChangedMessage>("ticketChanged", m => heard.TrySetResult(m));
        await again.StartAsync();
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => again.InvokeAsync("Follow", fx.ItTicketId));
        var created = await Filing.CreateAsync(fx.Org.ActorFor(fx.Org.OtherRequester), TicketFactory.Laptop(fx.Org, "Not for Nina"));
        // A change she could hear only through the department's group; the one she still may follow proves delivery works.
        var mine = await Filing.CreateAsync(fx.Org.ActorFor(new DeskUser { Id = nina, DisplayName = "nina" }), TicketFactory.Laptop(fx.Org, "Nina's own"));
        await again.InvokeAsync("Follow", mine.Id);
        await Tickets.ReplyAsync(fx.Org.ActorFor(fx.Org.ItAgent), mine.Id, "Done", true, []);
        var message = await heard.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(mine.Id, message.TicketId);
        Assert.NotEqual(created.Id, message.TicketId);
    }

    [Fact]
    public async Task Deactivated_ClosesTheConnection_AndCannotConnectAgain()
    {
        var omar = await NewItAgentAsync("omar");
        var (hub, closed) = await FollowingAsync(omar);
        await using var _ = hub;

        await ChangeAsync(omar, u => u with { IsActive = false });

        await closed.WaitAsync(TimeSpan.FromSeconds(10));
        await using var again = Connect(omar);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await again.StartAsync();
            await again.InvokeAsync("Follow", fx.ItTicketId);
        });
    }

    [Fact]
    public async Task Anonymous_IsRefused()
    {
        var response = await fx.Factory.ClientFor(null).PostAsync("/hubs/desk/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

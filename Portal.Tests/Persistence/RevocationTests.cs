using Portal.Core.Admin;
using Portal.Core.Audit;
using Portal.Core.Common;
using Portal.Core.Handling;
using Portal.Core.Security;
using Portal.Core.Users;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>
/// Taking access away reaches what a person already has open: an actor loaded before the change (a page opened
/// earlier) is refused on its next read or write, on any node, because every unit of work checks the account.
/// </summary>
public class RevocationTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private Actor Admin => Org.ActorFor(Org.Admin);
    private UserAdminService Users => _db.Get<UserAdminService>();
    private int _ticketId;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _ticketId = (await _db.Get<TicketFiling>().CreateAsync(Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Fan loud"))).Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<Actor> SignedInAgentAsync() => (await _db.Get<ActorService>().LoadAsync(Org.ItAgent.Id))!;

    private async Task ChangeAgentAsync(Func<UserInput, UserInput> change) =>
        await Users.SaveAsync(Admin, change(await Users.GetAsync(Admin, Org.ItAgent.Id)));

    [Fact]
    public async Task Deactivated_TheOpenPagesActor_CannotWriteANoteOrReadTheTicket()
    {
        var agent = await SignedInAgentAsync();
        await _db.Get<TicketCommands>().ReplyAsync(agent, _ticketId, "Checking the fan", false, []);

        await ChangeAgentAsync(u => u with { IsActive = false });

        var write = await Assert.ThrowsAsync<DeskForbiddenException>(() =>
            _db.Get<TicketCommands>().ReplyAsync(agent, _ticketId, "Still here", false, []));
        Assert.Contains("Sign in again", write.Message);
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<TicketQueries>().GetAsync(agent, _ticketId));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<QueueService>().QueryAsync(agent, new QueueQuery(Org.It.Id)));
        var notes = (await _db.Get<TicketQueries>().GetAsync(Admin, _ticketId)).Events.Select(e => e.Body).ToList();
        Assert.DoesNotContain("Still here", notes);
    }

    [Fact]
    public async Task AgentRoleTakenAway_TheOldActorIsRefused_AndTheNewOneSeesOnlyWhatARequesterSees()
    {
        var agent = await SignedInAgentAsync();
        var heard = new List<string>();
        _db.Get<SessionRevocations>().Revoked += r => heard.Add(r.UserId);

        await ChangeAgentAsync(u => u with { Roles = DeskRole.Requester });

        Assert.Equal([Org.ItAgent.Id], heard);
        await Assert.ThrowsAsync<DeskForbiddenException>(() =>
            _db.Get<TicketCommands>().ReplyAsync(agent, _ticketId, "Between us", false, []));
        var now = await SignedInAgentAsync();
        await Assert.ThrowsAsync<DeskNotFoundException>(() => _db.Get<TicketQueries>().GetAsync(now, _ticketId));
    }

    [Fact]
    public async Task DepartmentTakenAway_EndsTheSignIns_ButAddingOneDoesNot()
    {
        var agent = await SignedInAgentAsync();
        await ChangeAgentAsync(u => u with { DepartmentIds = [.. u.DepartmentIds, Org.Hr.Id] });
        Assert.Equal(Org.It.Id, (await _db.Get<TicketQueries>().GetAsync(agent, _ticketId)).DepartmentId);

        await ChangeAgentAsync(u => u with { DepartmentIds = [Org.Hr.Id], TeamIds = [] });

        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<TicketQueries>().GetAsync(agent, _ticketId));
    }

    [Fact]
    public async Task SignOutEverywhere_RefusesTheOldActor_IsAudited_AndOnlyAdminsDoItForOthers()
    {
        var agent = await SignedInAgentAsync();
        var signOuts = _db.Get<SignOutService>();
        await Assert.ThrowsAsync<DeskForbiddenException>(() =>
            signOuts.SignOutEverywhereAsync(Org.ActorFor(Org.Requester), Org.ItAgent.Id));
        await _db.Get<TicketCommands>().ReplyAsync(agent, _ticketId, "Still signed in", false, []);

        await signOuts.SignOutEverywhereAsync(Admin, Org.ItAgent.Id);

        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<TicketQueries>().GetAsync(agent, _ticketId));
        var entries = await _db.Get<AuditService>().SearchAsync(Admin, new AuditQuery { Action = "signin.ended-everywhere" });
        var entry = Assert.Single(entries.Items).Entry;
        Assert.Equal(Org.Admin.Id, entry.ActorId);
        Assert.Equal(Org.ItAgent.Id, entry.EntityId);

        var again = await SignedInAgentAsync(); // signing in again works as before
        await signOuts.SignOutEverywhereAsync(again, again.UserId); // and anyone may sign themselves out everywhere
        await Assert.ThrowsAsync<DeskForbiddenException>(() => _db.Get<TicketQueries>().GetAsync(again, _ticketId));
    }
}

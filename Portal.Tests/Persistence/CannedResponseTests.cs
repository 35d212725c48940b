using Microsoft.EntityFrameworkCore;
using Portal.Core.Tickets;
using Portal.Core.Common;
using Portal.Core.Responses;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>Canned responses: placeholders checked on save and filled from the ticket, who may use and change which, most used first.</summary>
public class CannedResponseTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private CannedResponseService Responses => _db.Get<CannedResponseService>();

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task AResponse_IsFilledFromTheTicket_AndAnUnknownPlaceholderIsRefusedOnSave_Named()
    {
        var ivan = Org.ActorFor(Org.ItAgent);
        var unknown = await Assert.ThrowsAsync<DeskValidationException>(() => Responses.SaveAsync(ivan,
            new ResponseInput(null, Org.It.Id, ResponseScope.Personal, null, "Hello", "Hi {requester.nickname}, about {ticket.key}")));
        Assert.Contains("{requester.nickname} is not a placeholder", unknown.Errors["Body"]);
        var noField = await Assert.ThrowsAsync<DeskValidationException>(() => Responses.SaveAsync(ivan,
            new ResponseInput(null, Org.It.Id, ResponseScope.Personal, null, "Hello", "Your {field.Shoe size}")));
        Assert.Contains("{field.Shoe size} names no custom field", noField.Errors["Body"]);
        var open = await Assert.ThrowsAsync<DeskValidationException>(() => Responses.SaveAsync(ivan,
            new ResponseInput(null, Org.It.Id, ResponseScope.Personal, null, "", "Hi {requester.firstName")));
        Assert.Contains("Name", open.Errors.Keys);
        Assert.Contains("never closed", open.Errors["Body"]);

        var id = await Responses.SaveAsync(ivan, new ResponseInput(null, Org.It.Id, ResponseScope.Personal, null, "Laptop received",
            "Hi {requester.firstName}, we have {ticket.key} ({field.Asset tag}). Expect it fixed by {sla.resolutionDue}. {agent.firstName}"));
        var ticket = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var text = await Responses.UseAsync(ivan, id, ticket.Id);
        Assert.StartsWith($"Hi {Org.Requester.DisplayName.Split(' ')[0]}, we have {ticket.Key} (LT-1001). Expect it fixed by ", text);
        Assert.EndsWith($"UTC. {Org.ItAgent.DisplayName.Split(' ')[0]}", text);
    }

    [Fact]
    public async Task Personal_Team_AndDepartmentResponses_ReachWhoTheyAreFor_TheMostUsedFirst()
    {
        var ivan = Org.ActorFor(Org.ItAgent);
        var other = Org.ActorFor(Org.ItAgent2);
        var supervisor = Org.ActorFor(Org.ItSupervisor);
        var mine = await Responses.SaveAsync(ivan, new ResponseInput(null, Org.It.Id, ResponseScope.Personal, null, "A mine", "Mine."));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Responses.SaveAsync(ivan,
            new ResponseInput(null, Org.It.Id, ResponseScope.Department, null, "B department", "For all.")));
        var everyone = await Responses.SaveAsync(supervisor, new ResponseInput(null, Org.It.Id, ResponseScope.Department, null, "B department", "For all."));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Responses.ListAsync(Org.ActorFor(Org.HrAgent), Org.It.Id));

        Assert.Equal(["B department"], (await Responses.ListAsync(other, Org.It.Id)).Select(r => r.Name));
        Assert.Equal(["A mine", "B department"], (await Responses.ListAsync(ivan, Org.It.Id)).Select(r => r.Name));
        var ticket = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        await Responses.UseAsync(ivan, everyone, ticket.Id);
        Assert.Equal(["B department", "A mine"], (await Responses.ListAsync(ivan, Org.It.Id)).Select(r => r.Name));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Responses.UseAsync(other, mine, ticket.Id));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Responses.RemoveAsync(other, everyone));
        await Responses.RemoveAsync(supervisor, everyone);
        Assert.Equal(["A mine"], (await Responses.ListAsync(ivan, Org.It.Id)).Select(r => r.Name));
    }

    [Fact]
    public async Task AMacro_AppliesItsTextAndChangesAsOneChange_OneHistoryEntryPerField_ThroughThePipeline_AndAStaleTicketIsAConflict()
    {
        var ivan = Org.ActorFor(Org.ItAgent);
        var supervisor = Org.ActorFor(Org.ItSupervisor);
        var macro = await Responses.SaveAsync(supervisor, new ResponseInput(null, Org.It.Id, ResponseScope.Department, null, "Waiting for the laptop",
            "Hi {requester.firstName}, please bring the laptop to the desk on floor 2.", Changes: new Portal.Core.Handling.MacroChanges(
                TicketStatus.PendingRequester, TicketPriority.High, AssignToMe: true, TeamId: Org.ServiceDesk.Id)));
        var row = Assert.Single(await Responses.ListAsync(ivan, Org.It.Id));
        Assert.True(row.IsMacro);

        var ticket = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        int version;
        await using (var db = _db.NewContext())
            version = await db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.Version).SingleAsync();
        var (_, preview) = await Responses.FillAsync(ivan, macro, ticket.Id);
        await Responses.ApplyAsync(ivan, macro, ticket.Id, version, preview + " Thanks!");

        await using (var db = _db.NewContext())
        {
            var t = await db.Tickets.AsNoTracking().SingleAsync(x => x.Id == ticket.Id);
            Assert.Equal((TicketStatus.PendingRequester, TicketPriority.High, Org.ItAgent.Id, (int?)Org.ServiceDesk.Id), (t.Status, t.Priority, t.AssigneeId, t.TeamId));
            var events = await db.TicketEvents.Where(e => e.TicketId == ticket.Id && e.At == _db.Clock.GetUtcNow().UtcDateTime).ToListAsync();
            Assert.Single(events, e => e.Kind == TicketEventKind.StatusChanged);
            Assert.Single(events, e => e.Kind == TicketEventKind.PriorityChanged);
            Assert.Single(events, e => e.Kind == TicketEventKind.AssigneeChanged);
            Assert.Single(events, e => e.Kind == TicketEventKind.TeamChanged);
            var reply = Assert.Single(events, e => e.Kind == TicketEventKind.Reply);
            Assert.EndsWith("floor 2. Thanks!", reply.Body);
            Assert.True(await db.AuditEntries.AnyAsync(a => a.TicketId == ticket.Id && a.Action == "ticket.prioritychanged" && a.ActorId == Org.ItAgent.Id));
            Assert.Equal(1, await db.CannedResponseUses.CountAsync(u => u.ResponseId == macro));
        }

        // Applied again on the version read before the first: nothing happens, the agent is told who changed it.
        await Assert.ThrowsAsync<DeskConflictException>(() => Responses.ApplyAsync(Org.ActorFor(Org.ItAgent2), macro, ticket.Id, version, "Again"));
        await Assert.ThrowsAsync<DeskForbiddenException>(() => Responses.ApplyAsync(Org.ActorFor(Org.HrAgent), macro, ticket.Id, version, null));
    }

    [Fact]
    public async Task AMacroOnPickedTickets_ChangesEach_AsItsOwnChange_AndLeavesAStaleOrForbiddenOneAsItWas_SayingWhy()
    {
        var ivan = Org.ActorFor(Org.ItAgent);
        var macro = await Responses.SaveAsync(Org.ActorFor(Org.ItSupervisor), new ResponseInput(null, Org.It.Id, ResponseScope.Department, null, "Parts ordered",
            "Hi {requester.firstName}, the part for {ticket.key} is ordered.", Changes: new Portal.Core.Handling.MacroChanges(TicketStatus.PendingRequester)));
        var requester = Org.ActorFor(Org.Requester);
        var first = await TicketFactory.FileAsync(_db, requester);
        var stale = await TicketFactory.FileAsync(_db, requester);
        var payroll = await TicketFactory.FileAsync(_db, requester, TicketFactory.Payroll(Org));
        Dictionary<int, int> versions;
        await using (var db = _db.NewContext())
            versions = await db.Tickets.ToDictionaryAsync(t => t.Id, t => t.Version);
        // Someone changes the second after the agent picked it.
        await _db.Get<Portal.Core.Handling.TicketCommands>().AssignToMeAsync(Org.ActorFor(Org.ItAgent2), stale.Id, versions[stale.Id]);

        var outcomes = await Responses.ApplyToPickedAsync(ivan, macro,
            [new(first.Id, versions[first.Id]), new(stale.Id, versions[stale.Id]), new(payroll.Id, versions[payroll.Id])]);
        Assert.Equal([true, false, false], outcomes.Select(o => o.Applied));
        Assert.Equal(stale.Key, outcomes[1].Key);
        Assert.Contains("changed after you picked it", outcomes[1].Refused);
        Assert.Equal($"#{payroll.Id}", outcomes[2].Key); // another department's ticket: not even its number is told
        Assert.NotNull(outcomes[2].Refused);

        await using (var db = _db.NewContext())
        {
            var statuses = await db.Tickets.ToDictionaryAsync(t => t.Id, t => t.Status);
            Assert.Equal(TicketStatus.PendingRequester, statuses[first.Id]);
            Assert.NotEqual(TicketStatus.PendingRequester, statuses[stale.Id]);
            Assert.NotEqual(TicketStatus.PendingRequester, statuses[payroll.Id]);
            // Each filled from its own ticket, with its own history entries.
            var reply = await db.TicketEvents.SingleAsync(e => e.TicketId == first.Id && e.Kind == TicketEventKind.Reply);
            Assert.Contains($"the part for {first.Key} is ordered", reply.Body);
            Assert.Single(await db.TicketEvents.Where(e => e.TicketId == first.Id && e.Kind == TicketEventKind.StatusChanged).ToListAsync());
            Assert.False(await db.TicketEvents.AnyAsync(e => e.TicketId == stale.Id && e.Kind == TicketEventKind.Reply));
            Assert.Equal(1, await db.CannedResponseUses.CountAsync(u => u.ResponseId == macro));
        }

        await Assert.ThrowsAsync<DeskValidationException>(() => Responses.ApplyToPickedAsync(ivan, macro, []));
    }
}

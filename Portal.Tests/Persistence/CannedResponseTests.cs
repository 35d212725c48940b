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
}

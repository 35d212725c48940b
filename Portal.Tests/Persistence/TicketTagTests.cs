using Microsoft.EntityFrameworkCore;
using Portal.Core.Handling;
using Portal.Core.Responses;
using Portal.Core.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Persistence;

/// <summary>Tags on tickets: set by an agent's edit or a macro through the pipeline, with their history entry; filtered and suggested.</summary>
public class TicketTagTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<TicketDetails> ReadAsync(int id) => await _db.Get<TicketQueries>().GetAsync(Org.ActorFor(Org.ItAgent), id);

    [Fact]
    public async Task AnAgentsEdit_SetsTags_WithOneHistoryEntry_OtherEditsKeepThem_AndTheQueueFiltersByThem()
    {
        var ivan = Org.ActorFor(Org.ItAgent);
        var requester = Org.ActorFor(Org.Requester);
        var vpn = await TicketFactory.FileAsync(_db, requester, TicketFactory.Laptop(Org, "VPN drops"));
        var other = await TicketFactory.FileAsync(_db, requester);
        var commands = _db.Get<TicketCommands>();

        var t = await ReadAsync(vpn.Id);
        var edit = new TicketEdit(t.Status, t.Priority, t.CategoryId, t.TypeId, t.Assignee?.Id, t.TeamId,
            t.Fields.ToDictionary(f => f.FieldId, f => f.Value), ["VPN", "Remote Work", "vpn"]);
        await commands.UpdateAsync(ivan, vpn.Id, t.Version, edit);
        t = await ReadAsync(vpn.Id);
        Assert.Equal(["remote-work", "vpn"], t.Tags);
        var entry = Assert.Single(t.Events, e => e.Kind == TicketEventKind.TagsChanged);
        Assert.Equal((null, "remote-work, vpn", false), (entry.OldValue, entry.NewValue, entry.IsPublic));

        // An edit that does not speak of tags (the board, the API) leaves them.
        await commands.UpdateAsync(ivan, vpn.Id, t.Version, edit with { Priority = TicketPriority.High, Tags = null });
        t = await ReadAsync(vpn.Id);
        Assert.Equal(["remote-work", "vpn"], t.Tags);
        Assert.Single(t.Events, e => e.Kind == TicketEventKind.TagsChanged);

        var queue = await _db.Get<QueueService>().QueryAsync(ivan, new QueueQuery(Org.It.Id, Tag: "VPN"));
        Assert.Equal([vpn.Id], queue.Items.Select(i => i.Id));
        Assert.Equal(2, (await _db.Get<QueueService>().QueryAsync(ivan, new QueueQuery(Org.It.Id))).Total);
        Assert.Equal(["remote-work", "vpn"], await _db.Get<TicketQueries>().TagsInUseAsync(ivan, Org.It.Id));
        await Assert.ThrowsAsync<Portal.Core.Common.DeskForbiddenException>(() => _db.Get<TicketQueries>().TagsInUseAsync(Org.ActorFor(Org.HrAgent), Org.It.Id));

        // A requester never sees the desk's own words.
        Assert.Empty((await _db.Get<TicketQueries>().GetAsync(requester, vpn.Id)).Tags);

        var otherVersion = (await ReadAsync(other.Id)).Version;
        var tooMany = await Assert.ThrowsAsync<Portal.Core.Common.DeskValidationException>(() =>
            commands.UpdateAsync(ivan, other.Id, otherVersion, edit with { Tags = Enumerable.Range(0, 21).Select(i => $"t{i}").ToList() }));
        Assert.True(tooMany.Errors.ContainsKey(TagRules.Field));
    }

    [Fact]
    public async Task AMacro_AddsItsTags_ToThoseTheTicketHas()
    {
        var macro = await _db.Get<CannedResponseService>().SaveAsync(Org.ActorFor(Org.ItSupervisor), new ResponseInput(null, Org.It.Id, ResponseScope.Department,
            null, "Hardware refresh", "", Changes: new MacroChanges(AddTags: ["Hardware Refresh", "laptop"])));
        var row = Assert.Single(await _db.Get<CannedResponseService>().ListAsync(Org.ActorFor(Org.ItAgent), Org.It.Id));
        Assert.Equal(["hardware-refresh", "laptop"], row.Changes.AddTags);

        var ticket = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester));
        var t = await ReadAsync(ticket.Id);
        await _db.Get<TicketCommands>().UpdateAsync(Org.ActorFor(Org.ItAgent), ticket.Id, t.Version, new TicketEdit(t.Status, t.Priority, t.CategoryId, t.TypeId,
            null, null, t.Fields.ToDictionary(f => f.FieldId, f => f.Value), ["laptop", "vip"]));
        t = await ReadAsync(ticket.Id);
        await _db.Get<CannedResponseService>().ApplyAsync(Org.ActorFor(Org.ItAgent), macro, ticket.Id, t.Version, null);
        t = await ReadAsync(ticket.Id);
        Assert.Equal(["hardware-refresh", "laptop", "vip"], t.Tags);
        Assert.Equal("laptop, vip", t.Events.Last(e => e.Kind == TicketEventKind.TagsChanged).OldValue);
    }
}

using Portal.Core.Common;
using Portal.Core.Security;
using Portal.Core.Tickets;
using Portal.Tests.Support;
using Portal.Core.Handling;

namespace Portal.Tests.Persistence;

/// <summary>Links between tickets (related, caused by) and merging a duplicate into its original.</summary>
public class TicketLinkTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private TestOrg Org => _db.Org;
    private TicketCommands Tickets => _db.Get<TicketCommands>();
    private TicketLinking Linking => _db.Get<TicketLinking>();
    private TicketQueries Reads => _db.Get<TicketQueries>();
    private Actor Ian => Org.ActorFor(Org.ItAgent);

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task ALink_ShowsFromBothEnds_IsInTheHistory_AndCanBeRemoved()
    {
        var outage = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "VPN down"));
        var incident = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, "Cannot reach the file share"));
        await Linking.LinkAsync(Ian, incident.Id, outage.Key.ToLowerInvariant(), TicketLinkKind.CausedBy);

        var fromIncident = Assert.Single(await Reads.ListLinksAsync(Ian, incident.Id));
        Assert.Equal(("Caused by", outage.Key, "VPN down"), (fromIncident.Relation, fromIncident.OtherKey, fromIncident.OtherTitle!));
        Assert.Equal("Caused", Assert.Single(await Reads.ListLinksAsync(Ian, outage.Id)).Relation);
        Assert.Contains((await Reads.GetAsync(Ian, incident.Id)).Events, e => e.Kind == TicketEventKind.LinkAdded && e.NewValue == outage.Key);
        Assert.Contains(await AuditFile.EntriesAsync(_db), e => e.Action == "ticket.linkadded" && e.TicketId == incident.Id && e.ActorId == Org.ItAgent.Id);

        var twice = await Assert.ThrowsAsync<DeskValidationException>(() => Linking.LinkAsync(Ian, incident.Id, outage.Key, TicketLinkKind.CausedBy));
        Assert.Contains("already linked", twice.Errors["OtherKey"]);
        var missing = await Assert.ThrowsAsync<DeskValidationException>(() => Linking.LinkAsync(Ian, incident.Id, "IT-99999", TicketLinkKind.Related));
        Assert.Contains("no ticket IT-99999", missing.Errors["OtherKey"]);
        await Assert.ThrowsAsync<DeskValidationException>(() => Linking.LinkAsync(Ian, incident.Id, incident.Key, TicketLinkKind.Related));
        await Assert.ThrowsAsync<DeskNotFoundException>(() => Linking.LinkAsync(Org.ActorFor(Org.HrAgent), incident.Id, outage.Key, TicketLinkKind.Related));

        await Linking.UnlinkAsync(Ian, incident.Id, fromIncident.LinkId);
        Assert.Empty(await Reads.ListLinksAsync(Ian, outage.Id));
    }

    [Fact]
    public async Task ALinkToAnotherDepartmentsTicket_ShowsItsNumberButNotItsTitleOrStatus()
    {
        var it = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "New joiner laptop"));
        var hr = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Payroll(Org, "Salary of a confidential hire"));
        await Linking.LinkAsync(Org.ActorFor(Org.Admin), it.Id, hr.Key, TicketLinkKind.Related); // someone who sees both

        var link = Assert.Single(await Reads.ListLinksAsync(Ian, it.Id));
        Assert.Equal((hr.Key, (string?)null, (TicketStatus?)null, false, "HR"),
            (link.OtherKey, link.OtherTitle, link.OtherStatus, link.CanOpen, link.OtherDepartment));
        Assert.Equal(TicketStatus.New, Assert.Single(await Reads.ListLinksAsync(Org.ActorFor(Org.Admin), it.Id)).OtherStatus);
    }

    [Fact]
    public async Task LinkingToATicketOneMayNotSee_IsRefusedLikeOneThatDoesNotExist()
    {
        var it = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "New joiner laptop"));
        var hr = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Payroll(Org, "Salary of a confidential hire"));
        var hrNumber = int.Parse(hr.Key.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
        var unknown = $"HR-{hrNumber + 1000}";

        var seen = await Assert.ThrowsAsync<DeskValidationException>(() => Linking.LinkAsync(Ian, it.Id, hr.Key, TicketLinkKind.Related));
        var missing = await Assert.ThrowsAsync<DeskValidationException>(() => Linking.LinkAsync(Ian, it.Id, unknown, TicketLinkKind.Related));
        var merge = await Assert.ThrowsAsync<DeskValidationException>(() => Linking.MergeAsync(Ian, it.Id, hr.Key));

        Assert.Equal(missing.Errors["OtherKey"].Replace(unknown, "KEY"), seen.Errors["OtherKey"].Replace(hr.Key, "KEY"));
        Assert.Equal(seen.Errors["OtherKey"], merge.Errors["OriginalKey"]);
        Assert.Empty(await Reads.ListLinksAsync(Ian, it.Id));
    }

    [Fact]
    public async Task Merging_CopiesTheConversation_MovesWatchers_ClosesTheDuplicate_AndTellsItsRequester()
    {
        var original = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org, "Printer on floor 2 jams"));
        var duplicate = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.OtherRequester), TicketFactory.Laptop(Org, "Floor 2 printer broken"));
        await Tickets.ReplyAsync(Org.ActorFor(Org.OtherRequester), duplicate.Id, "It shows error E-42.", isPublic: true, []);
        await Tickets.ReplyAsync(Ian, duplicate.Id, "Same as the other one, I think.", isPublic: false, []);

        Assert.Equal(original.Key, await Linking.MergeAsync(Ian, duplicate.Id, original.Key));

        var merged = await Reads.GetAsync(Ian, original.Id);
        Assert.Contains(merged.Events, e => e.Kind == TicketEventKind.Reply && e.Body!.Contains("It shows error E-42.") && e.Body.StartsWith($"[{duplicate.Key}]"));
        Assert.Contains(merged.Events, e => e.Kind == TicketEventKind.InternalNote && e.Body!.Contains("Same as the other one"));
        Assert.Contains(merged.Watchers, w => w.Id == Org.OtherRequester.Id);
        var closed = await Reads.GetAsync(Ian, duplicate.Id);
        Assert.Equal(TicketStatus.Closed, closed.Status);
        Assert.Equal("Duplicate of", Assert.Single(await Reads.ListLinksAsync(Ian, duplicate.Id)).Relation);
        Assert.Equal("Duplicated by", Assert.Single(await Reads.ListLinksAsync(Ian, original.Id)).Relation);

        // The duplicate's requester reads where their request went, never the internal note, and now follows the original.
        var otto = Org.ActorFor(Org.OtherRequester);
        var theirs = await Reads.GetAsync(otto, duplicate.Id);
        Assert.Contains(theirs.Events, e => e.Kind == TicketEventKind.Reply && e.Body!.Contains($"This request repeats {original.Key}"));
        var followed = await Reads.GetAsync(otto, original.Id);
        Assert.DoesNotContain(followed.Events, e => e.Kind == TicketEventKind.InternalNote);
        Assert.Contains(followed.Events, e => e.Body?.Contains("It shows error E-42.") == true);
        await using var ctx = _db.NewContext();
        Assert.Contains(ctx.Notifications, n => n.UserId == Org.OtherRequester.Id && n.Text.Contains(original.Key));

        var again = await Assert.ThrowsAsync<DeskValidationException>(() => Linking.MergeAsync(Ian, duplicate.Id, original.Key));
        Assert.Contains("closed already", again.Errors["OriginalKey"]);
    }

    [Fact]
    public async Task Merging_IntoADepartmentTheAgentDoesNotWorkIn_IsRefused_AndChangesNothing()
    {
        var hr = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Payroll(Org));
        var it = await TicketFactory.FileAsync(_db, Org.ActorFor(Org.Requester), TicketFactory.Laptop(Org));
        await Assert.ThrowsAsync<DeskValidationException>(() => Linking.MergeAsync(Ian, it.Id, hr.Key));
        Assert.NotEqual(TicketStatus.Closed, (await Reads.GetAsync(Ian, it.Id)).Status);
        Assert.Empty(await Reads.ListLinksAsync(Ian, it.Id));
    }
}

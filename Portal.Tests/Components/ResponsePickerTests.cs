using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Handling;
using Portal.Core.Responses;
using Portal.Core.Tickets;
using Portal.Features.Responses;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>The canned responses above a ticket's reply box: a template fills the reply; a macro shows what it will do, then does it at once.</summary>
public class ResponsePickerTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task ATemplateFillsTheReply_AndAMacroIsPreviewedWithItsChanges_ThenAppliedInOneStep()
    {
        var org = _db.Org;
        var responses = _db.Get<CannedResponseService>();
        var ivan = org.ActorFor(org.ItAgent);
        await responses.SaveAsync(ivan, new ResponseInput(null, org.It.Id, ResponseScope.Personal, null, "Thanks", "Thanks {requester.firstName}!"));
        await responses.SaveAsync(ivan, new ResponseInput(null, org.It.Id, ResponseScope.Personal, null, "Need the tag", "Which tag, {requester.firstName}?",
            Changes: new MacroChanges(TicketStatus.PendingRequester, AssignToMe: true)));
        var ticket = await TicketFactory.FileAsync(_db, org.ActorFor(org.Requester));
        int version;
        await using (var db = _db.NewContext())
            version = await db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.Version).SingleAsync();

        string? inserted = null;
        var applied = false;
        await using var ctx = DeskBunit.Create(_db, org.ItAgent);
        var cut = ctx.Render<ResponsePicker>(p => p.Add(x => x.Actor, ivan).Add(x => x.TicketId, ticket.Id).Add(x => x.DepartmentId, org.It.Id)
            .Add(x => x.Version, version).Add(x => x.Insert, t => inserted = t).Add(x => x.Applied, () => applied = true));
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=responses-menu] button").HasAttribute("disabled")), TimeSpan.FromSeconds(10));
        // The menu's items open in the popover layer, rendered beside the component.
        var popovers = ctx.Popovers();
        IReadOnlyList<AngleSharp.Dom.IElement> Items() => popovers.FindAll("[data-testid=response-item]");
        cut.Find("[data-testid=responses-menu] button").Click();
        popovers.WaitForAssertion(() => Assert.Equal(2, Items().Count), TimeSpan.FromSeconds(10));
        Items().Single(i => i.TextContent.Contains("Thanks")).Click();
        cut.WaitForAssertion(() => Assert.Equal($"Thanks {org.Requester.DisplayName.Split(' ')[0]}!", inserted), TimeSpan.FromSeconds(10));

        cut.Find("[data-testid=responses-menu] button").Click();
        popovers.WaitForAssertion(() => Assert.Equal(2, Items().Count), TimeSpan.FromSeconds(10));
        Items().Single(i => i.TextContent.Contains("Need the tag")).Click();
        cut.WaitForAssertion(() => Assert.Contains("Status → Waiting on requester", cut.Find("[data-testid=macro-changes]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("Assignee → you", cut.Find("[data-testid=macro-changes]").TextContent);
        cut.Find("[data-testid=macro-apply]").Click();
        cut.WaitForAssertion(() => Assert.True(applied), TimeSpan.FromSeconds(10));
        Assert.Empty(cut.FindAll("[data-testid=macro-preview]"));
        await using var check = _db.NewContext();
        var t = await check.Tickets.AsNoTracking().SingleAsync(x => x.Id == ticket.Id);
        Assert.Equal((TicketStatus.PendingRequester, org.ItAgent.Id), (t.Status, t.AssigneeId));
    }
}

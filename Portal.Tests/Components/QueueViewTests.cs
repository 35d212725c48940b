using Microsoft.Extensions.DependencyInjection;
using Bunit;
using Portal.Core.Handling;
using Portal.Core.Tickets;
using Portal.Features.Queues;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>A queue's view in its address: read from it, written back, defaults left out, nonsense ignored.</summary>
public class QueueViewTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public void AView_GoesIntoTheAddress_AndComesBackTheSame_WithDefaultsLeftOut()
    {
        var view = QueueView.From("fan loud", "New,open,Bogus", true, "high", 3, "me", 7, "vpn", "Number", "asc", 2, 50);
        Assert.Equal([TicketStatus.New, TicketStatus.Open], view.Filter.Statuses);
        Assert.Equal((TicketPriority.High, QueueSort.Number, false, 2, 50), (view.Filter.Priority, view.Sort, view.Descending, view.Page, view.PageSize));
        var query = view.ToQuery();
        Assert.Equal("New,Open", query["status"]);
        var again = QueueView.From((string?)query["q"], (string?)query["status"], query["closed"] is "1", (string?)query["priority"], 3, (string?)query["assignee"],
            7, (string?)query["tag"], (string?)query["sort"], (string?)query["dir"], 2, 50);
        Assert.Equal(view.Filter with { Statuses = null }, again.Filter with { Statuses = null });
        Assert.Equal(view.Filter.Statuses, again.Filter.Statuses);

        var plain = QueueView.From(null, null, null, "nonsense", null, null, null, null, "DROP", "sideways", -4, 33);
        Assert.Equal(new QueueView(new QueueFilter()), plain with { Filter = new QueueFilter() });
        Assert.Null(plain.Filter.Priority);
        Assert.All(plain.ToQuery().Values, Assert.Null);

        // A column's heading sorts by it its natural way, then the other way.
        var byPriority = plain.SortedBy(QueueSort.Priority);
        Assert.Equal((QueueSort.Priority, true), (byPriority.Sort, byPriority.Descending));
        Assert.False(byPriority.SortedBy(QueueSort.Priority).Descending);
        Assert.False(plain.SortedBy(QueueSort.Title).Descending);
    }

    [Fact]
    public async Task TheQueue_ShowsTheViewItsAddressAsksFor_AndWritesAChangedFilterBack()
    {
        var rita = _db.Org.ActorFor(_db.Org.Requester);
        var low = await TicketFactory.FileAsync(_db, rita, TicketFactory.Laptop(_db.Org, "Mouse squeaks") with { Priority = TicketPriority.Low });
        await TicketFactory.FileAsync(_db, rita, TicketFactory.Laptop(_db.Org, "Screen flickers"));
        await using var ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
        var nav = ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        nav.NavigateTo("/queues/1?priority=Low");
        var cut = ctx.Render<QueuePage>(p => p.Add(x => x.DepartmentId, _db.Org.It.Id));
        cut.WaitForAssertion(() => Assert.Contains("Mouse squeaks", cut.Markup));
        Assert.DoesNotContain("Screen flickers", cut.Markup);
        Assert.Contains(low.Key, cut.Find("[data-testid=queue]").TextContent);

        var search = cut.TextField("Search number or title");
        await cut.InvokeAsync(() => search.Instance.ValueChanged.InvokeAsync("mouse"));
        // Written into the address by the browser, only while the queue is still the page shown.
        cut.WaitForAssertion(() => Assert.Single(ctx.JSInterop.Invocations, i => i.Identifier == "deskNavigateIfOn"));
        var written = ctx.JSInterop.Invocations.Single(i => i.Identifier == "deskNavigateIfOn").Arguments;
        Assert.Equal("/queues/1", written[0]);
        Assert.Contains("q=mouse", (string)written[1]!);
        Assert.Contains("priority=Low", (string)written[1]!);
        Assert.Equal(true, written[2]); // typing replaces the address rather than adding to history
    }
}

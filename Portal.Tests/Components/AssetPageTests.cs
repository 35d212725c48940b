using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Assets;
using Portal.Features.Assets;
using Portal.Features.Tickets;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

public class AssetPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;
    private BunitContext _ctx = default!;
    private int _assetId;
    private AssetInput _input = default!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await using (var ctx = _db.NewContext())
        {
            var laptop = await ctx.AssetTypes.Where(t => t.Name == "Laptop").Select(t => t.Id).SingleAsync();
            _input = new AssetInput("LT-77", "ThinkPad T14", laptop, _db.Org.It.Id, AssetStatus.InUse, Site: "London", AssignedToId: _db.Org.Requester.Id);
        }

        _assetId = await _db.Get<AssetService>().CreateAsync(_db.Org.ActorFor(_db.Org.ItAgent), _input);
        _ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
    }

    public async Task DisposeAsync()
    {
        await _ctx.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task ConflictingEdit_IsExplained_AndWhatWasTypedIsKept()
    {
        var cut = _ctx.Render<AssetPage>(p => p.Add(x => x.Id, _assetId));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=save-asset]")));
        cut.Type("Name", "ThinkPad T14 (spare battery)");

        // Meanwhile Ida sends it for repair.
        await _db.Get<AssetService>().UpdateAsync(_db.Org.ActorFor(_db.Org.ItAgent2), _assetId, 1, _input with { Status = AssetStatus.InRepair });

        cut.Find("[data-testid=save-asset]").Click();
        cut.WaitForAssertion(() => Assert.Contains("changed by someone else", cut.Find("[data-testid=conflict]").TextContent));
        Assert.Equal("ThinkPad T14 (spare battery)", cut.TextField("Name").Find("input").GetAttribute("value"));

        cut.FindAll("[data-testid=conflict] button").First(b => b.TextContent.Contains("Save mine")).Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=conflict]")));
        var saved = await _db.Get<AssetService>().GetAsync(_db.Org.ActorFor(_db.Org.ItAgent), _assetId);
        Assert.Equal("ThinkPad T14 (spare battery)", saved.Name);
        var changes = cut.Find("[data-testid=asset-changes]").TextContent;
        Assert.Contains("ThinkPad T14 (spare battery)", changes);
        Assert.Contains("In repair", changes);
    }

    [Fact]
    public void EmptyName_IsRefused_WithTheFieldNamed()
    {
        var cut = _ctx.Render<AssetPage>(p => p.Add(x => x.Id, _assetId));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=save-asset]")));
        cut.Type("Name", " ");
        cut.Find("[data-testid=save-asset]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Name is required.", cut.Markup));
    }

    [Fact]
    public async Task TicketPanel_ShowsTheLinkedAsset_AndUnlinksIt()
    {
        var ticket = await TicketFactory.FileAsync(_db, _db.Org.ActorFor(_db.Org.Requester),
            TicketFactory.Laptop(_db.Org) with { AssetTags = ["LT-77"] });
        var cut = _ctx.Render<TicketAssetsPanel>(p => p
            .Add(x => x.TicketId, ticket.Id).Add(x => x.DepartmentId, _db.Org.It.Id).Add(x => x.Actor, _db.Org.ActorFor(_db.Org.ItAgent)));
        cut.WaitForAssertion(() => Assert.Contains("1 open ticket", cut.Find("[data-testid=linked-asset]").TextContent));

        cut.Find("[data-testid=linked-asset] button").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=linked-asset]")));
        Assert.Empty(await _db.Get<AssetService>().ListForTicketAsync(_db.Org.ActorFor(_db.Org.ItAgent), ticket.Id));
    }
}

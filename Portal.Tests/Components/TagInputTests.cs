using Bunit;
using MudBlazor;
using Portal.Components.Shared;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

public class TagInputTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task ATypedTag_BecomesAChip_AsKept_ARepeatIsIgnored_AndAChipCanBeRemoved()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.ItAgent);
        var tags = new List<string> { "vpn" };
        var changes = 0;
        var cut = ctx.Render<TagInput>(p => p.Add(x => x.Tags, tags).Add(x => x.Suggestions, ["vpn", "new-starter", "printer"])
            .Add(x => x.Changed, () => changes++));
        var field = cut.FindComponent<MudAutocomplete<string>>();
        await cut.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync("New Starter"));
        await cut.InvokeAsync(() => field.Instance.ValueChanged.InvokeAsync("VPN"));
        Assert.Equal(["new-starter", "vpn"], tags);
        Assert.Equal(1, changes);
        cut.WaitForAssertion(() => Assert.Equal(["new-starter", "vpn"], cut.FindAll("[data-testid=tag]").Select(c => c.TextContent.Trim())));

        // Offered as typed: what it does not have yet, those starting with the letters first.
        var search = field.Instance.SearchFunc;
        Assert.NotNull(search);
        var offered = await search!("p", CancellationToken.None)!;
        Assert.Equal(["printer"], offered);

        await cut.InvokeAsync(() => cut.FindComponents<MudChip<string>>()[0].Instance.OnClose.InvokeAsync(cut.FindComponents<MudChip<string>>()[0].Instance));
        Assert.Equal(["vpn"], tags);
    }
}

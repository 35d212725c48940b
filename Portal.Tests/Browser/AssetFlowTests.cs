using System.Text.RegularExpressions;

namespace Portal.Tests.Browser;

/// <summary>Assets in a real browser: a request about one's own laptop shows up in the laptop's service history.</summary>
public partial class AssetFlowTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [GeneratedRegex(@"IT-\d+")]
    private static partial Regex ItKey();

    [Fact]
    public async Task Requester_PicksTheirLaptop_AgentReadsTheRequestInTheLaptopsHistory()
    {
        var title = "Fan is very loud " + Guid.NewGuid().ToString("N")[..6];
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/requests/new");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await BrowserFixture.ChooseAsync(erin, "Department", "IT");
        var laptop = erin.Locator("[data-testid=my-asset]", new() { HasText = "LT-1001" });
        await laptop.ClickAsync();
        await erin.Locator("[data-testid=my-asset].mud-chip-color-primary", new() { HasText = "LT-1001" }).WaitForAsync();
        await BrowserFixture.ChooseAsync(erin, "What is it about?", "Laptop problem");
        await erin.Locator("[data-testid=title]").FillAsync(title);
        await erin.Locator("[data-testid=description]").FillAsync("It roars as soon as I open a browser.");
        await erin.Locator("[data-field='Asset tag']").FillAsync("LT-1001");
        await BrowserFixture.ChooseAsync(erin, "Operating system", "Windows 11");
        await erin.ClickAsync("[data-testid=submit]");
        var created = erin.Locator("[data-testid=created]");
        await created.WaitForAsync();
        var key = ItKey().Match(await created.InnerTextAsync()).Value;
        Assert.NotEmpty(key);

        // Ivan finds the laptop in the registry and reads the request in its service history.
        var ivan = await fx.SignInAsync("ivan.agent@acme.example");
        await ivan.GotoAsync("/assets");
        await BrowserFixture.WaitForCircuitAsync(ivan);
        await ivan.Locator("[data-testid=asset-search]").FillAsync("lt-1001");
        var row = ivan.Locator("[data-testid=assets] tr", new() { HasText = "Erin Employee" });
        await row.WaitForAsync();
        await row.Locator("a").First.ClickAsync();
        await ivan.Locator("[data-testid=asset-title]", new() { HasText = "LT-1001" }).WaitForAsync();
        var history = ivan.Locator("[data-testid=asset-tickets] tr", new() { HasText = key });
        await history.WaitForAsync();
        Assert.Contains(title, await history.InnerTextAsync());
        Assert.Contains("open", await history.InnerTextAsync());

        // The ticket shows the laptop, with how many open tickets it has.
        await history.Locator("a").ClickAsync();
        var linked = ivan.Locator("[data-testid=linked-asset]", new() { HasText = "LT-1001" });
        await linked.WaitForAsync();
        Assert.Matches(@"[1-9]\d* open ticket", await linked.InnerTextAsync());
    }

    [Fact]
    public async Task ScanningALabel_OpensARequestAboutThatAsset_ForItsDepartment()
    {
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/requests/new?asset=pr-203");
        await BrowserFixture.WaitForCircuitAsync(erin);
        var chip = erin.Locator("[data-testid=tagged-asset]", new() { HasText = "PR-203" });
        await chip.WaitForAsync();
        Assert.Contains("IT", await erin.Locator("[data-testid=department]").InnerTextAsync());
        await BrowserFixture.ChooseAsync(erin, "What is it about?", "System down");
        Assert.Equal("Problem with Printer floor 4 (PR-203)", await erin.Locator("[data-testid=title]").InputValueAsync());
    }
}

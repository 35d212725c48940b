namespace Portal.Tests.Browser;

/// <summary>The supervisor's board in a browser: its rows are markup, yet "Reassign" works and hands the ticket over.</summary>
public class BoardTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Supervisor_ReassignsFromTheBoard()
    {
        var sam = await fx.SignInAsync("sam.supervisor@acme.example");
        await sam.GotoAsync("/board");
        await BrowserFixture.WaitForCircuitAsync(sam);
        var row = sam.Locator("[data-testid=board-tickets] tbody tr").Filter(new() { HasNot = sam.Locator("text=Ben Okafor") }).First;
        var key = (await row.Locator("b").First.InnerTextAsync()).Trim();
        await row.Locator("[data-testid=board-reassign]").ClickAsync();

        var select = sam.Locator("[data-testid=board-assignee]");
        await select.SelectOptionAsync(new Microsoft.Playwright.SelectOptionValue { Label = "Ben Okafor" });

        var message = sam.Locator("[data-testid=board-message]");
        await message.WaitForAsync();
        Assert.Equal($"{key} is now with Ben Okafor.", (await message.InnerTextAsync()).Trim());
        await sam.Locator("[data-testid=board-tickets] tr", new() { HasText = key }).Filter(new() { HasText = "Ben Okafor" }).WaitForAsync();
        // The layout is the lean one, yet it is the app's: the bell and the menu are there.
        Assert.Equal(1, await sam.Locator("[data-testid=bell]").CountAsync());
        Assert.Equal(1, await sam.Locator("a.mud-nav-link", new() { HasText = "Assets" }).CountAsync());
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>A queue's filter, sort and page live in the address: shareable, kept on reload, and Back returns to the last view.</summary>
public class QueueViewFlowTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AFilterAndASort_GoIntoTheAddress_SurviveAReload_AndBackUndoesTheLastOne()
    {
        var ivan = await fx.SignInAsync("ivan.agent@acme.example");
        await ivan.GotoAsync("/queues/1");
        await BrowserFixture.WaitForCircuitAsync(ivan);
        await ivan.Locator("[data-testid=queue] tbody tr").First.WaitForAsync();

        await BrowserFixture.ChooseAsync(ivan, "Priority", "Critical");
        await ivan.WaitForURLAsync(new Regex("priority=Critical"));
        await ShownAsync(ivan, "[data-testid=sort-Updated]");
        await ivan.Locator("[data-testid=sort-Number]").ClickAsync();
        await ivan.WaitForURLAsync(new Regex("priority=Critical.*sort=Number.*dir=asc|sort=Number.*dir=asc.*priority=Critical"));
        await ShownAsync(ivan, "[data-testid=sort-Number] [aria-label='sorted ascending']");
        var numbers = await KeysAsync(ivan);
        Assert.NotEmpty(numbers);
        Assert.Equal(numbers.OrderBy(n => n).ToList(), numbers);
        Assert.All(await ivan.Locator("[data-testid=queue] tbody tr").AllInnerTextsAsync(), row => Assert.Contains("Critical", row));

        // The same view after a reload, as a colleague opening the link would see it.
        await ivan.ReloadAsync();
        await BrowserFixture.WaitForCircuitAsync(ivan);
        await ShownAsync(ivan, "[data-testid=sort-Number] [aria-label='sorted ascending']");
        Assert.Equal(numbers, await KeysAsync(ivan));

        // Back: the sort goes, the filter stays.
        await ivan.GoBackAsync();
        await ivan.WaitForURLAsync(new Regex(@"/queues/1\?priority=Critical$"));
        await ShownAsync(ivan, "[data-testid=sort-Updated] [aria-label='sorted descending']");
        Assert.All(await ivan.Locator("[data-testid=queue] tbody tr").AllInnerTextsAsync(), row => Assert.Contains("Critical", row));
    }

    /// <summary>The view is on screen: its heading shows, and the rows it asked for have arrived (the table is not loading).</summary>
    private static async Task ShownAsync(IPage page, string heading)
    {
        await page.Locator(heading).WaitForAsync();
        await page.Locator("[data-testid=queue][data-loading=false]").WaitForAsync();
    }

    private static async Task<List<int>> KeysAsync(IPage page) =>
        (await page.Locator("[data-testid=queue] tbody tr td:nth-child(2) b").AllInnerTextsAsync())
        .Select(k => int.Parse(k.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
}

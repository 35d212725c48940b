using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>
/// Custom dashboards in a real browser: a supervisor builds one, adds a widget, saves it and finds it after a reload;
/// a report's number opens the tickets behind it.
/// </summary>
public partial class DashboardFlowTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [GeneratedRegex(@"/dashboards/(\d+)$")]
    private static partial Regex DashboardUrl();

    [Fact]
    public async Task AWidgetAddedToACustomDashboard_IsThereAfterAReload()
    {
        var name = "Sam's board " + Guid.NewGuid().ToString("N")[..6];
        var sam = await fx.SignInAsync("sam.supervisor@acme.example");
        await sam.GotoAsync("/dashboards");
        await BrowserFixture.WaitForCircuitAsync(sam);
        await sam.Locator("[data-testid=widget]").First.WaitForAsync(); // the role's default dashboard
        await sam.ClickAsync("[data-testid=new-dashboard]");
        await sam.Locator("[data-testid=dashboard-name-input]").FillAsync(name);
        await sam.Locator("[data-testid=dashboard-name-input]").PressAsync("Tab"); // the field takes its value when it is left
        await BrowserFixture.ChooseAsync(sam, "Kind", "Breakdown");
        await BrowserFixture.ChooseAsync(sam, "Measure", "Breaches");
        await BrowserFixture.ChooseAsync(sam, "By", "Priority");
        await sam.ClickAsync("[data-testid=add-widget]");
        await sam.Locator("[data-testid=widget][data-measure=Breaches][data-kind=Breakdown]").WaitForAsync();
        await sam.ClickAsync("[data-testid=save-dashboard]");
        // The page moves to the saved dashboard's address within the app (no page load) and shows it with Edit.
        await sam.Locator("[data-testid=edit-dashboard]").WaitForAsync();
        Assert.Matches(DashboardUrl(), sam.Url);

        await sam.ReloadAsync();
        await BrowserFixture.WaitForCircuitAsync(sam);
        Assert.Equal(name, await sam.Locator("[data-testid=dashboard-name]").InnerTextAsync());
        var widget = sam.Locator("[data-testid=widget][data-measure=Breaches][data-kind=Breakdown]");
        await widget.WaitForAsync();
        Assert.Equal(1, await sam.Locator("[data-testid=widget]").CountAsync());
        Assert.Contains("Breaches by priority", await widget.InnerTextAsync());
    }

    [Fact]
    public async Task AReportsNumber_OpensTheTicketsBehindIt()
    {
        var ada = await fx.SignInAsync("ada.admin@acme.example");
        await ada.GotoAsync("/reports?measure=Created&by=Department&period=Last90Days");
        await BrowserFixture.WaitForCircuitAsync(ada);
        var total = ada.Locator("[data-testid=report-table] tr.total a[data-testid=report-cell]");
        var count = int.Parse((await total.InnerTextAsync()).Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(count > 0);
        await total.ClickAsync();
        var drill = ada.Locator("[data-testid=drill]");
        await drill.WaitForAsync();
        Assert.Contains($"{count:N0} tickets", await drill.Locator("h6").InnerTextAsync());
        Assert.Equal(Math.Min(count, 200), await drill.Locator("tbody tr").CountAsync());
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>
/// Onboarding across three departments in a real browser: an employee requests it from the catalog and follows one
/// request; HR, IT and Facilities each find their task in their queue; IT's accounts task starts only once HR's
/// contract is done; the request resolves with its last task.
/// </summary>
public partial class CatalogFlowTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [GeneratedRegex(@"/requests/(\d+)")]
    private static partial Regex RequestUrl();

    [Fact]
    public async Task Onboarding_IsOneRequestForTheEmployee_AndATaskInEachDepartment()
    {
        var who = "Nina Novak " + Guid.NewGuid().ToString("N")[..5];
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/catalog");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await erin.Locator("[data-testid=catalog-item]", new() { HasText = "Onboarding a new hire" }).GetByText("Request").ClickAsync();
        await erin.Locator("[data-field=\"New hire's name\"]").WaitForAsync();
        await BrowserFixture.WaitForCircuitAsync(erin);
        await erin.Locator("[data-field=\"New hire's name\"]").FillAsync(who);
        await erin.Locator("[data-field='First day']").FillAsync("2027-01-04");
        await erin.ClickAsync("[data-testid=submit-catalog]");
        await BrowserFixture.WaitForAddressAfterSubmitAsync(erin, RequestUrl(), "requesting the onboarding");
        var id = RequestUrl().Match(erin.Url).Groups[1].Value;
        var progress = erin.Locator("[data-testid=task-progress]");
        await progress.WaitForAsync();
        Assert.Equal("0 of 4 done", await erin.Locator("[data-testid=tasks-done]").InnerTextAsync());
        Assert.Contains("Starts after “Prepare the employment contract”", await progress.InnerTextAsync());
        Assert.Contains("Starts once the request is approved", await progress.InnerTextAsync());
        await erin.Locator("[data-testid=approval-step]", new() { HasText = "HR head" }).WaitForAsync();

        // Hana heads HR: nothing starts before her yes, given on her approvals page.
        var hana = await fx.SignInAsync("hana.agent@acme.example");
        await hana.GotoAsync("/approvals");
        await BrowserFixture.WaitForCircuitAsync(hana);
        await hana.Locator("[data-testid=approval]", new() { HasText = who }).Locator("[data-testid=approve]").ClickAsync();
        await hana.Locator(".mud-snackbar", new() { HasText = "the work starts" }).WaitForAsync();

        // Each department finds its part in its own queue; Hana finishes HR's contract.
        await hana.GotoAsync($"/tickets/{id}");
        await BrowserFixture.WaitForCircuitAsync(hana);
        var contract = hana.Locator("[data-testid=task]", new() { HasText = "Prepare the employment contract" }).Locator("a");
        await contract.ClickAsync();
        await hana.Locator("[data-testid=ticket-title]", new() { HasText = "Prepare the employment contract" }).WaitForAsync();
        await BrowserFixture.WaitForCircuitAsync(hana);
        await BrowserFixture.ChooseAsync(hana, "Status", "Resolved");
        await hana.ClickAsync("[data-testid=save-ticket]");
        await hana.Locator(".mud-chip", new() { HasText = "Resolved" }).First.WaitForAsync();

        // IT's accounts task has started, in IT's own queue.
        var ivan = await fx.SignInAsync("ivan.agent@acme.example");
        await ivan.GotoAsync("/queues/1");
        await BrowserFixture.WaitForCircuitAsync(ivan);
        await ivan.GetByText("Create accounts and email").First.WaitForAsync();
        await ivan.GetByText("Issue a laptop").First.WaitForAsync();

        // The employee's one request shows the progress, in words, without the departments' notes.
        await erin.ReloadAsync();
        await BrowserFixture.WaitForCircuitAsync(erin);
        await erin.Locator("[data-testid=tasks-done]", new() { HasText = "1 of 4 done" }).WaitForAsync();
        var accounts = erin.Locator("[data-testid=task]", new() { HasText = "Create accounts and email" });
        Assert.Contains("Not started", await accounts.InnerTextAsync());
    }
}

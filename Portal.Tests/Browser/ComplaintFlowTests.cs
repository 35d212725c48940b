using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>
/// A formal complaint end to end in a real browser: an employee logs it, the HR agent cannot resolve it until the outcome
/// is recorded, the register shows it with its outcome, and the auditor reads its audit timeline.
/// </summary>
public partial class ComplaintFlowTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [GeneratedRegex(@"/requests/(\d+)")]
    private static partial Regex RequestUrl();

    [Fact]
    public async Task LoggedByAnEmployee_ClosedOnlyWithItsOutcome_ListedInTheRegister_ReadByTheAuditor()
    {
        var title = "Payslip wrong again " + Guid.NewGuid().ToString("N")[..6];
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/complaints/new");
        await BrowserFixture.WaitForCircuitAsync(erin);
        Assert.Equal("Erin Employee", await erin.Locator("[data-testid=complainant]").InputValueAsync());
        await BrowserFixture.ChooseAsync(erin, "Department that answers for it", "HR");
        await erin.Locator("[data-testid=title]").FillAsync(title);
        await erin.Locator("[data-testid=description]").FillAsync("My overtime has been missing for three months.");
        await erin.Locator("[data-testid=about-detail]").FillAsync("Payroll");
        await BrowserFixture.ChooseAsync(erin, "Severity", "High");
        await erin.Locator("[data-testid=regulatory]").ClickAsync();
        await erin.ClickAsync("[data-testid=submit-complaint]");
        await BrowserFixture.WaitForAddressAfterSubmitAsync(erin, RequestUrl(), "logging the complaint");

        var id = RequestUrl().Match(erin.Url).Groups[1].Value;

        // Hana cannot resolve it before the outcome is recorded.
        var hana = await fx.SignInAsync("hana.agent@acme.example");
        await hana.GotoAsync($"/tickets/{id}");
        await BrowserFixture.WaitForCircuitAsync(hana);
        await hana.Locator("[data-testid=complaint-missing]").WaitForAsync();
        await BrowserFixture.ChooseAsync(hana, "Status", "Resolved");
        await hana.ClickAsync("[data-testid=save-ticket]");
        await hana.GetByText("a complaint is resolved or closed only once its outcome is recorded").First.WaitForAsync();

        await hana.Locator("[data-testid=root-cause]").FillAsync("The overtime import skipped night shifts.");
        await BrowserFixture.ChooseAsync(hana, "Outcome", "Partly upheld");
        await hana.Locator("[data-testid=redress]").FillAsync("Back pay with the next salary.");
        await hana.Locator("[data-testid=lessons]").FillAsync("The import is now checked every week.");
        await hana.ClickAsync("[data-testid=save-complaint]");
        await hana.Locator("[data-testid=complaint-panel]", new() { HasText = "Outcome recorded" }).WaitForAsync();
        await BrowserFixture.ChooseAsync(hana, "Status", "Resolved");
        await hana.ClickAsync("[data-testid=save-ticket]");
        await hana.Locator(".mud-chip", new() { HasText = "Resolved" }).First.WaitForAsync();

        // The register lists it with its outcome.
        await hana.GotoAsync("/complaints");
        await BrowserFixture.WaitForCircuitAsync(hana);
        var row = hana.Locator("[data-testid=complaints] tr", new() { HasText = "Erin Employee" }).Filter(new() { HasText = "Partly upheld" });
        await row.First.WaitForAsync();
        Assert.Contains("Regulatory", await row.First.InnerTextAsync());

        // The auditor reads the complaint's audit timeline, with the outcome as recorded and by whom.
        var audrey = await fx.SignInAsync("audrey.auditor@acme.example");
        await audrey.GotoAsync($"/audit/tickets/{id}");
        await BrowserFixture.WaitForCircuitAsync(audrey);
        var recorded = audrey.Locator("[data-testid=audit-entries] tr", new() { HasText = "complaint.changed" }).Filter(new() { HasText = "PartlyUpheld" });
        await recorded.First.WaitForAsync();
        Assert.Contains("Hana Agent", await recorded.First.InnerTextAsync());
    }
}

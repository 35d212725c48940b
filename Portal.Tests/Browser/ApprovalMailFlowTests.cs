using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.Support;

namespace Portal.Tests.Browser;

/// <summary>The demo portal sending its email over real SMTP to a test mail server, read by the tests.</summary>
public sealed class MailBrowserFixture : BrowserFixture
{
    public static readonly TestSmtpServer Smtp = new();

    public MailBrowserFixture()
        : base(new DemoPortalFactory(settings: new Dictionary<string, string?>(Smtp.Settings("http://localhost:5080", "InternalDesk <desk@acme.example>"))
        {
            ["Notifications:DispatchSeconds"] = "1",
        }))
    {
        Smtp.StartAsync().GetAwaiter().GetResult();
    }
}

public partial class ApprovalMailFlowTests(MailBrowserFixture fx) : IClassFixture<MailBrowserFixture>
{
    [GeneratedRegex(@"IT-\d+")]
    private static partial Regex ItKey();

    [GeneratedRegex(@"Approve: (\S+)")]
    private static partial Regex ApproveLink();

    [Fact]
    public async Task ALaptopAboveBudget_AsksTheManagersManagerByEmail_WhoseOneClickApproves_AndTheWorkStarts()
    {
        // Erin asks for a laptop above 1,500: her manager's manager (Ada) approves it first.
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/requests/new");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await BrowserFixture.ChooseAsync(erin, "Department", "IT");
        await BrowserFixture.ChooseAsync(erin, "What is it about?", "New laptop");
        var title = "Laptop for video editing " + Guid.NewGuid().ToString("N")[..5];
        await erin.Locator("[data-testid=title]").FillAsync(title);
        await erin.Locator("[data-testid=description]").FillAsync("Rendering takes an hour on the old one.");
        await BrowserFixture.ChooseAsync(erin, "Model", "MacBook Pro");
        await erin.Locator("[data-field='Cost']").FillAsync("2400");
        await erin.ClickAsync("[data-testid=submit]");
        var created = erin.Locator("[data-testid=created]");
        await created.WaitForAsync();
        var key = ItKey().Match(await created.InnerTextAsync()).Value;
        await erin.Locator("a", new() { HasText = "Open " + key }).ClickAsync();
        await erin.Locator("[data-testid=approval-steps]", new() { HasText = "Manager's manager" }).WaitForAsync();
        Assert.Equal("Awaiting approval", (await erin.Locator("[data-testid=request-status]").InnerTextAsync()).Trim());

        // The email reaches Ada over SMTP, with its one-click links.
        var email = await WaitForEmailAsync("ada.admin@acme.example", key);
        var link = ApproveLink().Match(email.TextBody!).Groups[1].Value;
        Assert.Contains("/approvals/link?t=", link);

        // Ada clicks Approve in her mail app: a browser that is not signed in (the step allows the link alone).
        var context = await fx.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 1000, Height = 800 } });
        var ada = await context.NewPageAsync();
        await ada.GotoAsync(link.Replace("http://localhost:5080", fx.BaseUrl, StringComparison.Ordinal));
        await ada.Locator("[data-testid=approval-link]", new() { HasText = title }).WaitForAsync();
        Assert.Contains("2400", await ada.Locator(".approval-facts").InnerTextAsync());
        await ada.Locator("[data-testid=link-reason]").FillAsync("Video work needs it.");
        await ada.ClickAsync("[data-testid=link-confirm]");
        await ada.Locator("[data-testid=link-done]", new() { HasText = "The work on the request starts" }).WaitForAsync();

        // Erin's page shows the decision and the request under way, without reloading.
        await erin.Locator("[data-testid=approval-steps]", new() { HasText = "Video work needs it." }).WaitForAsync();
        await erin.Locator("[data-testid=request-status]", new() { HasText = "New" }).WaitForAsync();

        // The link a second time: used.
        await ada.GotoAsync(link.Replace("http://localhost:5080", fx.BaseUrl, StringComparison.Ordinal));
        await ada.Locator("[data-testid=link-refused]", new() { HasText = "A link works once" }).WaitForAsync();
        await context.DisposeAsync();
    }

    private static async Task<MimeKit.MimeMessage> WaitForEmailAsync(string to, string key)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            if (MailBrowserFixture.Smtp.Received.FirstOrDefault(m => m.To.Mailboxes.Any(a => a.Address == to) && m.Subject!.Contains(key)
                    && m.Subject.Contains("approval")) is { } found)
                return found;
            await Task.Delay(100);
        }

        throw new TimeoutException($"No approval email about {key} reached {to}.");
    }
}

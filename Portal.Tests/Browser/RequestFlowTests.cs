using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>The main flow of the foundation, in a real browser: a requester files, an agent of that department answers.</summary>
public partial class RequestFlowTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [GeneratedRegex(@"IT-\d+")]
    private static partial Regex ItKey();

    [Fact]
    public async Task Requester_Files_Agent_Replies_Requester_SeesReply()
    {
        var title = "Docking station not charging " + Guid.NewGuid().ToString("N")[..6];

        // Erin files a laptop problem with IT.
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/requests/new");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await BrowserFixture.ChooseAsync(erin, "Department", "IT");
        await BrowserFixture.ChooseAsync(erin, "What is it about?", "Laptop problem");
        await erin.Locator("[data-testid=title]").FillAsync(title);
        await erin.Locator("[data-testid=description]").FillAsync("The dock's light is off and the laptop does not charge.");
        await erin.Locator("[data-field='Asset tag']").FillAsync("LT-7788");
        await BrowserFixture.ChooseAsync(erin, "Operating system", "Windows 11");
        await erin.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "dock-light.txt", MimeType = "text/plain", Buffer = "The dock LED stays off."u8.ToArray(),
        });
        await erin.Locator(".mud-chip", new() { HasText = "dock-light.txt" }).WaitForAsync();
        await erin.ClickAsync("[data-testid=submit]");
        var created = erin.Locator("[data-testid=created]");
        await created.WaitForAsync();
        var key = ItKey().Match(await created.InnerTextAsync()).Value;
        Assert.NotEmpty(key);
        await erin.Locator("a", new() { HasText = "Open " + key }).ClickAsync();
        var promise = erin.Locator("[data-testid=promise]");
        await promise.WaitForAsync();
        Assert.Contains("We aim to reply by", await promise.InnerTextAsync());

        // Ivan, an IT agent, finds it in the IT queue and replies publicly.
        var ivan = await fx.SignInAsync("ivan.agent@acme.example");
        await ivan.ClickAsync("a.mud-nav-link:has-text('IT')");
        await ivan.Locator("[data-testid=queue-search]").FillAsync(title);
        var row = ivan.Locator("tr", new() { HasText = title });
        await row.WaitForAsync();
        Assert.Contains(key, await row.InnerTextAsync());
        await row.Locator("a").First.ClickAsync();
        await ivan.Locator("[data-testid=ticket-title]").Filter(new() { HasText = title }).WaitForAsync();
        Assert.Contains("First response", await ivan.Locator("[data-testid=sla-panel]").InnerTextAsync());
        var attachment = ivan.Locator("a", new() { HasText = "dock-light.txt" });
        Assert.Equal(1, await attachment.CountAsync());
        var download = await ivan.APIRequest.GetAsync(await attachment.GetAttributeAsync("href") ?? "");
        Assert.Equal("The dock LED stays off.", await download.TextAsync());
        await BrowserFixture.WaitForCircuitAsync(ivan);
        await ivan.Locator("[data-testid=reply-body]").FillAsync("Please try the other USB-C port; a new dock is on its way.");
        await ivan.ClickAsync("[data-testid=send-reply]");
        await ivan.Locator("[data-testid=message]").Filter(new() { HasText = "a new dock is on its way" }).WaitForAsync();

        // Erin sees the reply on her request, and that it is now open.
        await erin.GotoAsync("/requests");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await erin.Locator("a", new() { HasText = title }).ClickAsync();
        var reply = erin.Locator("[data-testid=message]").Filter(new() { HasText = "a new dock is on its way" });
        await reply.WaitForAsync();
        Assert.Contains("Ivan Agent", await reply.InnerTextAsync());
        Assert.True(await erin.Locator(".mud-chip", new() { HasText = "Open" }).First.IsVisibleAsync());
    }

    [Fact]
    public async Task Requester_SubmitsIncompleteForm_SeesWhatIsMissing_AndKeepsWhatWasTyped()
    {
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/requests/new?department=1");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await BrowserFixture.ChooseAsync(erin, "What is it about?", "Laptop problem");
        await erin.Locator("[data-testid=title]").FillAsync("Half a request");
        await erin.ClickAsync("[data-testid=submit]");
        await erin.Locator("text=Description is required.").First.WaitForAsync();
        Assert.True(await erin.Locator("text=Asset tag is required.").First.IsVisibleAsync());
        Assert.Equal("Half a request", await erin.Locator("[data-testid=title]").InputValueAsync());
    }

    [Fact]
    public async Task Requester_FilesTheLongestDescriptionTheFormTakes_InTwoByteLetters_AndItIsFiled()
    {
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/requests/new?department=1");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await BrowserFixture.ChooseAsync(erin, "What is it about?", "Laptop problem");
        var title = "Long story " + Guid.NewGuid().ToString("N")[..6];
        await erin.Locator("[data-testid=title]").FillAsync(title);
        // 19,990 two-byte letters: about 40 KB in one message, above SignalR's default limit of 32 KB.
        await erin.Locator("[data-testid=description]").FillAsync(new string('é', 19_990));
        await erin.Locator("[data-field='Asset tag']").FillAsync("LT-1000");
        await BrowserFixture.ChooseAsync(erin, "Operating system", "Windows 11");
        await erin.ClickAsync("[data-testid=submit]");

        await erin.Locator("[data-testid=created]").WaitForAsync();
        Assert.Equal(0, await erin.Locator("#components-reconnect-modal.components-reconnect-show, .components-reconnect-show").CountAsync());
    }

    [Fact]
    public async Task Requester_AttachesAFileOfARefusedType_IsToldWhy()
    {
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/requests/new?department=1");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await BrowserFixture.ChooseAsync(erin, "What is it about?", "Software install");
        await erin.Locator("[data-testid=title]").FillAsync("Install this please");
        await erin.Locator("[data-testid=description]").FillAsync("Our vendor sent an installer.");
        await erin.Locator("[data-field='Software name']").FillAsync("Vendor tool");
        await erin.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "setup.exe", MimeType = "application/octet-stream", Buffer = [77, 90],
        });
        // Refused as it is picked, by its name, before the server reads it; nothing is attached and nothing typed is lost.
        var error = erin.Locator("[data-testid=attachment-refused]");
        await error.WaitForAsync();
        Assert.Contains("\"setup.exe\" is of a type that is not accepted", await error.InnerTextAsync());
        Assert.Equal(0, await erin.Locator(".mud-chip", new() { HasText = "setup.exe" }).CountAsync());
        Assert.Equal("Install this please", await erin.Locator("[data-testid=title]").InputValueAsync());
    }

    [Fact]
    public async Task Requester_SeesThePromisedTime_InTheirOwnTimeZone()
    {
        var erin = await fx.SignInAsync("erin.employee@acme.example", timeZone: "America/New_York");
        await erin.GotoAsync("/requests/new?department=1");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await BrowserFixture.ChooseAsync(erin, "What is it about?", "Laptop problem");
        await erin.Locator("[data-testid=title]").FillAsync("Trackpad clicks by itself");
        await erin.Locator("[data-testid=description]").FillAsync("It opens things on its own.");
        await erin.Locator("[data-field='Asset tag']").FillAsync("LT-1234");
        await BrowserFixture.ChooseAsync(erin, "Operating system", "Windows 11");
        await erin.ClickAsync("[data-testid=submit]");
        var key = ItKey().Match(await erin.Locator("[data-testid=created]").InnerTextAsync()).Value;
        await erin.Locator("a", new() { HasText = "Open " + key }).ClickAsync();

        // The promise names New York's time (EST in November), not UTC, once the browser has filled it in.
        var local = erin.Locator("[data-testid=promise] .local-time").First;
        await local.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await erin.WaitForFunctionAsync("el => el.textContent.length > 0", await local.ElementHandleAsync());
        Assert.Contains("EST", await local.InnerTextAsync());
        Assert.DoesNotContain("UTC", await erin.Locator("[data-testid=promise]").InnerTextAsync());
    }

    [Fact]
    public async Task Admin_TestsAPolicy_SeesTheComputedTargets()
    {
        var ada = await fx.SignInAsync("ada.admin@acme.example");
        await ada.GotoAsync("/admin/sla");
        await BrowserFixture.WaitForCircuitAsync(ada);
        await ada.Locator("[data-testid=policies] a", new() { HasText = "IT business hours" }).ClickAsync();
        await ada.Locator("[data-testid=test-run]").WaitForAsync();
        await BrowserFixture.WaitForCircuitAsync(ada);
        await ada.ClickAsync("[data-testid=test-run]");
        var result = ada.Locator("[data-testid=test-result]");
        await result.WaitForAsync();
        var text = await result.InnerTextAsync();
        Assert.Contains("firstResponse", text);
        Assert.Contains("met", text);
        Assert.Contains("resolution", text);
    }

    [Fact]
    public async Task Agent_SeesCountdownsTickInTheQueue()
    {
        var ivan = await fx.SignInAsync("ivan.agent@acme.example");
        await ivan.GotoAsync("/queues/1");
        await BrowserFixture.WaitForCircuitAsync(ivan);
        var countdown = ivan.Locator("tr", new() { HasText = "Payment terminal offline" }).Locator(".sla-live").First;
        await countdown.WaitForAsync();
        await ivan.WaitForFunctionAsync("el => el.textContent.length > 0", await countdown.ElementHandleAsync());
        var before = await countdown.InnerTextAsync();
        await Task.Delay(2100);
        var after = await countdown.InnerTextAsync();
        Assert.Matches(@"^Reply \d+m \d{2}s left$", before);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task Requester_CannotOpenAnotherDepartmentsQueue()
    {
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/queues/1");
        await erin.Locator("[data-testid=problem]").WaitForAsync();
        Assert.Contains("not an agent or supervisor", await erin.Locator("[data-testid=problem]").InnerTextAsync());
        Assert.Equal(0, await erin.Locator("a.mud-nav-link", new() { HasText = "Departments" }).CountAsync());
    }
}

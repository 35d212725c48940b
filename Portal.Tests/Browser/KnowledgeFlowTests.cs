using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>The knowledge base as people meet it: an answer while writing a request, and the Help centre.</summary>
public class KnowledgeFlowTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task WhileWritingARequest_AnArticleAnswersIt_NoRequestIsFiled_AndIStillNeedHelpKeepsWhatWasTyped()
    {
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/requests/new?department=1");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await BrowserFixture.ChooseAsync(erin, "What is it about?", "Laptop problem");
        await erin.Locator("[data-testid=title]").PressSequentiallyAsync("my laptop fan is so loud");
        var suggestion = erin.Locator("[data-testid=suggestion]", new() { HasText = "Laptop fan very loud" });
        await suggestion.WaitForAsync();
        // Typing is never interrupted: the title keeps the focus while the suggestions appear.
        Assert.True(await erin.Locator("[data-testid=title]").EvaluateAsync<bool>("e => e === document.activeElement"));

        await suggestion.Locator("[data-testid=answered]").ClickAsync();
        await erin.Locator("[data-testid=answered-by-article]", new() { HasText = "no request was filed" }).WaitForAsync();
        await erin.GetByRole(AriaRole.Button, new() { Name = "I still need help" }).ClickAsync();
        await erin.Locator("[data-testid=title]").WaitForAsync();
        Assert.Equal("my laptop fan is so loud", await erin.Locator("[data-testid=title]").InputValueAsync());
    }

    [Fact]
    public async Task TheHelpCentre_FindsAnArticle_WhoseReaderSaysItHelped_AndStaffOnlyOnesStayHidden()
    {
        var erin = await fx.SignInAsync("erin.employee@acme.example");
        await erin.GotoAsync("/help");
        await BrowserFixture.WaitForCircuitAsync(erin);
        await erin.Locator("input[data-testid=help-search]").FillAsync("reset password");
        await erin.Locator("[data-testid=help-hit] a", new() { HasText = "Reset your password" }).WaitForAsync();
        Assert.Equal(0, await erin.Locator("[data-testid=help-hit]", new() { HasText = "multi-factor" }).CountAsync());
        await erin.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"q=reset(\+|%20)password"));

        await erin.Locator("[data-testid=help-hit] a", new() { HasText = "Reset your password" }).ClickAsync();
        await erin.Locator("[data-testid=article-body]", new() { HasText = "id.acme.example" }).WaitForAsync();
        await erin.Locator("[data-testid=helpful]").ClickAsync();
        await erin.Locator("[data-testid=feedback-thanks]").WaitForAsync();
    }
}

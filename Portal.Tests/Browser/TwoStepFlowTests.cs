using Microsoft.Playwright;

namespace Portal.Tests.Browser;

/// <summary>A person turns on two-step sign-in from their settings; signing in then asks for a code (here a recovery code).</summary>
public partial class RequestFlowTests
{
    [Fact]
    public async Task TwoStepSignIn_SetUpFromSettings_ThenSigningInAsksForACode()
    {
        var (adminId, _) = await HrSetupAsync();
        var email = $"t{Guid.NewGuid():N}"[..8] + "@acme.example";
        await NewHrAgentAsync(adminId, email);
        var page = await fx.SignInAsync(email);
        await page.GotoAsync("/settings/sign-in");
        await BrowserFixture.WaitForCircuitAsync(page);
        await page.ClickAsync("[data-testid=set-up]");
        var key = (await page.Locator("[data-testid=authenticator-key]").InnerTextAsync()).Replace(" ", "");
        await page.FillAsync("[data-testid=code]", new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow));
        await page.ClickAsync("[data-testid=turn-on]");
        var codes = page.Locator("[data-testid=recovery-codes] li");
        await codes.First.WaitForAsync();
        Assert.Equal(10, await codes.CountAsync());
        var recovery = await codes.Nth(3).InnerTextAsync();
        await page.ClickAsync("[data-testid=codes-saved]");
        await page.Locator("[data-testid=two-step-on]").WaitForAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).First.ClickAsync();
        await page.Locator("#email").WaitForAsync();
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Portal.Core.Persistence.DemoData.Password);
        await page.ClickAsync("#sign-in");
        await page.Locator("#code").WaitForAsync();
        await page.FillAsync("#code", recovery);
        await page.ClickAsync("#verify");
        await page.GetByTestId("signed-in-as").WaitForAsync();
        Assert.DoesNotContain("/account/", page.Url);
    }
}

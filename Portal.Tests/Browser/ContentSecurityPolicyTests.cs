using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Persistence;

namespace Portal.Tests.Browser;

/// <summary>The pages work under their Content-Security-Policy: Chromium reports no blocked script, style or connection.</summary>
public partial class RequestFlowTests
{
    [Fact]
    public async Task ThePagesRunUnderTheirContentSecurityPolicy_WithNothingBlocked()
    {
        var factory = fx.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var it = await db.Departments.Where(d => d.Code == "IT").Select(d => d.Id).SingleAsync();
        var ticket = await db.Tickets.Where(t => t.DepartmentId == it).OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
        var page = await fx.SignInAsync("ada.admin@acme.example");
        await page.Context.AddInitScriptAsync(
            "window.__blocked = []; document.addEventListener('securitypolicyviolation', e => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI));");
        foreach (var path in new[] { "/", "/requests/new", $"/queues/{it}", $"/tickets/{ticket}", "/board", "/dashboards", "/assets", "/admin/sla", "/settings/sign-in", "/settings/api-tokens", "/admin/webhooks" })
        {
            await page.GotoAsync(path);
            await BrowserFixture.WaitForCircuitAsync(page);
            await page.GetByTestId("signed-in-as").WaitForAsync();
            var blocked = await page.EvaluateAsync<string[]>("window.__blocked");
            Assert.True(blocked.Length == 0, $"{path}: {string.Join("; ", blocked)}");
        }

        // The API reference (Scalar) draws its operations with its inline start script under the same policy, and loads
        // nothing from outside (no fonts from its CDN). It also tries eval, which the policy refuses on purpose (the
        // reference works without it); anything else blocked fails.
        await page.GotoAsync("/api/docs/");
        await page.GetByText("Download OpenAPI Document").First.WaitForAsync();
        var onDocs = (await page.EvaluateAsync<string[]>("window.__blocked")).Where(b => b != "script-src eval").ToArray();
        Assert.True(onDocs.Length == 0, $"/api/docs: {string.Join("; ", onDocs)}");
    }
}

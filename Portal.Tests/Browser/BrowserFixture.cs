using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Tests.Support;

namespace Portal.Tests.Browser;

/// <summary>The portal on a real Kestrel port with the demo organisation, and Debian's Chromium driven by Playwright.</summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    protected class DemoPortalFactory(Action<IServiceCollection>? configure = null, int sweepSeconds = 10,
        IReadOnlyDictionary<string, string?>? settings = null) : PortalFactory
    {
        protected override string EnvironmentName => "Development";

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Desk:SeedDemoDataOnFirstStart"] = "true",
            ["Desk:SweepSeconds"] = sweepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Desk:ScheduledJobs"] = "true",
        };

        protected override void ConfigureServices(IServiceCollection services) => configure?.Invoke(services);
    }

    private readonly DemoPortalFactory _factory;

    public BrowserFixture()
        : this(new DemoPortalFactory())
    {
    }

    protected BrowserFixture(DemoPortalFactory factory) => _factory = factory;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;
    public string BaseUrl { get; private set; } = "";
    public IServiceProvider Services => _factory.Services;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}; ./test.sh installs it (apt-get install chromium).");
        _factory.UseKestrel(0);
        _factory.StartServer();
        await _factory.StartAsync(seedOrg: false);
        BaseUrl = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>A fresh browser context (its own cookies), signed in as the given demo account and with the circuit connected.</summary>
    public async Task<IPage> SignInAsync(string email, string? timeZone = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl, ViewportSize = new() { Width = 1400, Height = 900 }, TimezoneId = timeZone, Locale = "en-US",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", Portal.Core.Persistence.DemoData.Password);
        await page.ClickAsync("#sign-in");
        await WaitForCircuitAsync(page);
        return page;
    }

    /// <summary>Clicks before the live connection is up are lost, so every step waits for it after navigating.</summary>
    public static async Task WaitForCircuitAsync(IPage page) =>
        await page.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });

    /// <summary>
    /// Waits for the address a form's submit leads to (an in-app navigation: no page load follows). A filing runs the
    /// whole pipeline, which on a machine busy with the rest of the suite can take a while, so the wait is long; should it
    /// run out, the failure says what the page showed instead.
    /// </summary>
    public static async Task WaitForAddressAfterSubmitAsync(IPage page, System.Text.RegularExpressions.Regex address, string after)
    {
        try
        {
            await page.WaitForURLAsync(address, new() { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"No new address after {after}; the page showed: {await page.Locator(".mud-main-content").InnerTextAsync()}");
        }
    }

    /// <summary>Opens the select with that label and picks the option whose text starts with the given words.</summary>
    public static async Task ChooseAsync(IPage page, string label, string option)
    {
        await page.Locator(".mud-select").Filter(new() { HasText = label }).First.ClickAsync();
        var starts = new System.Text.RegularExpressions.Regex("^\\s*" + System.Text.RegularExpressions.Regex.Escape(option));
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasTextRegex = starts }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").First.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();
        await _factory.DisposeAsync();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Portal.Core.Persistence;
using Portal.Core.Tickets;
using Portal.Core.Users;
using Portal.Core.Handling;

namespace Portal.Tests.Browser;

/// <summary>The portal on a fake clock with a sweep every second: time can be moved and escalations watched.</summary>
public sealed class FakeClockBrowserFixture : BrowserFixture
{
    public static readonly FakeTimeProvider Clock = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public FakeClockBrowserFixture()
        : base(new DemoPortalFactory(services => services.AddSingleton<TimeProvider>(Clock), sweepSeconds: 1))
    {
    }
}

public class LiveEscalationTests(FakeClockBrowserFixture fx) : IClassFixture<FakeClockBrowserFixture>
{
    [Fact]
    public async Task Supervisor_SeesANewCriticalTicket_AndItsEscalation_WithoutReloading()
    {
        var sam = await fx.SignInAsync("sam.supervisor@acme.example");
        await sam.GotoAsync("/queues/1");
        await BrowserFixture.WaitForCircuitAsync(sam);
        await sam.Locator("[data-testid=queue] tbody tr").First.WaitForAsync();

        // Erin files a Critical IT incident through the services (as the request form would).
        var services = fx.Services;
        var actors = services.GetRequiredService<ActorService>();
        var catalog = services.GetRequiredService<Portal.Core.Departments.DepartmentDirectory>();
        var erin = await actors.LoadAsync(await UserIdAsync(services, "erin.employee@acme.example"));
        var category = (await catalog.ListCategoriesAsync(1)).First(c => c.Name == "Software install");
        var fields = await catalog.ListFieldsAsync(erin!, category.Id);
        var title = "Payroll server unreachable " + Guid.NewGuid().ToString("N")[..5];
        var created = await services.GetRequiredService<TicketFiling>().CreateAsync(erin!, new NewTicketInput(1, category.Id, title, "Nobody can reach it.",
            fields.Where(f => f.Required).ToDictionary(f => f.Id, f => (string?)"Server"), [], Priority: TicketPriority.Critical));

        var row = sam.Locator("[data-testid=queue] tr", new() { HasText = created.Key });
        await row.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal(0, await row.Locator("[data-testid=escalation-level]").CountAsync());

        // Half an hour passes without a reply: the first response breaches and the sweep escalates it.
        FakeTimeProvider clock = FakeClockBrowserFixture.Clock;
        clock.Advance(TimeSpan.FromMinutes(31));
        var level = row.Locator("[data-testid=escalation-level]");
        await level.WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal("L2", (await level.InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task AgentsQueue_AndSupervisorsBoard_ShowANewCriticalTicket_WithoutReloading()
    {
        var ivan = await fx.SignInAsync("ivan.agent@acme.example");
        await ivan.GotoAsync("/queues/1");
        await BrowserFixture.WaitForCircuitAsync(ivan);
        await ivan.Locator("[data-testid=queue] tbody tr").First.WaitForAsync();
        var sam = await fx.SignInAsync("sam.supervisor@acme.example");
        await sam.GotoAsync("/board");
        await BrowserFixture.WaitForCircuitAsync(sam);
        await sam.Locator("[data-testid=board-tickets]").WaitForAsync();

        var services = fx.Services;
        var erin = await services.GetRequiredService<ActorService>().LoadAsync(await UserIdAsync(services, "erin.employee@acme.example"));
        var catalog = services.GetRequiredService<Portal.Core.Departments.DepartmentDirectory>();
        var category = (await catalog.ListCategoriesAsync(1)).First(c => c.Name == "Software install");
        var fields = await catalog.ListFieldsAsync(erin!, category.Id);
        var created = await services.GetRequiredService<TicketFiling>().CreateAsync(erin!, new NewTicketInput(1, category.Id,
            "Badge system refuses everyone " + Guid.NewGuid().ToString("N")[..5], "Nobody can enter the building.",
            fields.Where(f => f.Required).ToDictionary(f => f.Id, f => (string?)(f.Options.FirstOrDefault() ?? "Facilities")), [],
            Priority: TicketPriority.Critical));

        // Both pages show it by themselves: the queue highlighted, the board at risk (its 30-minute first response).
        await ivan.Locator("tr.row-highlight", new() { HasText = created.Key }).WaitForAsync(new() { Timeout = 10_000 });
        await sam.Locator("[data-testid=board-tickets] tr", new() { HasText = created.Key }).WaitForAsync(new() { Timeout = 10_000 });
    }

    private static async Task<string> UserIdAsync(IServiceProvider services, string email)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<DeskUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }
}

public class BellTests(BrowserFixture fx) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AgentsBell_CountsUp_WhenASupervisorAssignsThemATicket()
    {
        var ivan = await fx.SignInAsync("ivan.agent@acme.example");
        await ivan.GotoAsync("/queues/1");
        await BrowserFixture.WaitForCircuitAsync(ivan);
        var badge = ivan.Locator(".mud-badge-root .mud-badge");
        var before = await badge.CountAsync() == 0 || !await badge.IsVisibleAsync() ? 0 : int.Parse((await badge.InnerTextAsync()).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var services = fx.Services;
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<DeskUser>>();
        var sam = await services.GetRequiredService<ActorService>().LoadAsync((await users.FindByEmailAsync("sam.supervisor@acme.example"))!.Id);
        var ivanId = (await users.FindByEmailAsync("ivan.agent@acme.example"))!.Id;
        var queue = await services.GetRequiredService<QueueService>().QueryAsync(sam!, new QueueQuery(1, [TicketStatus.New, TicketStatus.Open]));
        var row = queue.Items.First(t => t.AssigneeId != ivanId);
        var tickets = services.GetRequiredService<TicketCommands>();
        var reads = services.GetRequiredService<TicketQueries>();
        var t = await reads.GetAsync(sam!, row.Id);
        await tickets.UpdateAsync(sam!, row.Id, t.Version, new TicketEdit(t.Status, t.Priority, t.CategoryId, t.TypeId, ivanId, t.TeamId,
            t.Fields.ToDictionary(f => f.FieldId, f => f.Value)));

        // The badge shows one more (at least: the demo's own escalations may tell Ivan something meanwhile), without a reload.
        await ivan.WaitForFunctionAsync(
            "n => { const b = document.querySelector('.mud-badge-root .mud-badge'); return b && b.offsetParent !== null && Number(b.textContent.trim()) >= n; }",
            before + 1, new() { Timeout = 10_000 });

        // Reading them on the Notifications page clears the bell.
        await ivan.Locator("[data-testid=bell]").ClickAsync();
        await ivan.Locator("[data-testid=mark-all-read]").ClickAsync();
        await ivan.WaitForFunctionAsync(
            "() => { const b = document.querySelector('.mud-badge-root .mud-badge'); return !b || b.offsetParent === null; }", null, new() { Timeout = 10_000 });
    }
}

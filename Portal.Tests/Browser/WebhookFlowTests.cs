using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Handling;
using Portal.Tests.Support;

namespace Portal.Tests.Browser;

/// <summary>An admin subscribes a receiver to new tickets in Admin → Webhooks, tests it, and sees a new request delivered.</summary>
public partial class RequestFlowTests
{
    [Fact]
    public async Task Admin_AddsAWebhook_SendsATestEvent_AndSeesANewRequestDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var name = "SIEM " + Guid.NewGuid().ToString("N")[..5];
        var admin = await fx.SignInAsync("ada.admin@acme.example");
        await admin.GotoAsync("/admin/webhooks");
        await BrowserFixture.WaitForCircuitAsync(admin);
        await admin.Locator("[data-testid=new-webhook]").ClickAsync();
        await admin.Locator("input[data-testid=webhook-name]").FillAsync(name);
        await admin.Locator("input[data-testid=webhook-url]").FillAsync("not a url");
        await admin.Locator("[data-testid=save-webhook]").ClickAsync();
        await admin.GetByText("an address starting with https://", new() { Exact = false }).WaitForAsync();
        await admin.Locator("input[data-testid=webhook-url]").FillAsync(receiver.Url);
        await BrowserFixture.ChooseAsync(admin, "Department", "IT");
        await admin.Locator("[data-testid=save-webhook]").ClickAsync();

        // Its page: the secret to give the receiver, and a test event that arrives.
        await admin.Locator("[data-testid=webhook-created]").WaitForAsync();
        Assert.StartsWith("whsec_", await admin.Locator("[data-testid=webhook-secret]").InnerTextAsync());
        await BrowserFixture.WaitForCircuitAsync(admin);
        await admin.Locator("[data-testid=send-test]").ClickAsync();
        await admin.GetByText("The test event was delivered (200).").WaitForAsync();
        Assert.Contains("webhook.test", receiver.Requests.Single().Body);

        // Erin files an IT request: the dispatcher delivers it by itself; Refresh shows it delivered.
        var services = fx.Services;
        var erin = await services.GetRequiredService<Portal.Core.Users.ActorService>().LoadAsync(await ErinAsync(services));
        var directory = services.GetRequiredService<Portal.Core.Departments.DepartmentDirectory>();
        var category = (await directory.ListCategoriesAsync(1)).First(c => c.Name == "Software install");
        var fields = await directory.ListFieldsAsync(erin!, category.Id);
        var created = await services.GetRequiredService<TicketFiling>().CreateAsync(erin!, new NewTicketInput(1, category.Id,
            "Visio for the floor plans", "For the office move.", fields.Where(f => f.Required).ToDictionary(f => f.Id, f => (string?)"Visio"), []));
        await receiver.WaitForAsync(r => r.Body.Contains("\"type\":\"ticket.created\"") && r.Body.Contains(created.Key), TimeSpan.FromSeconds(30));
        await admin.Locator("[data-testid=refresh-log]").ClickAsync();
        var row = admin.Locator("[data-testid=event-row]", new() { HasText = created.Key });
        await row.Locator("[data-testid=event-state]", new() { HasText = "Delivered" }).WaitForAsync();
        Assert.Contains("ticket.created", await row.InnerTextAsync());
    }

    private static async Task<string> ErinAsync(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Core.Users.DeskUser>>();
        return (await users.FindByEmailAsync("erin.employee@acme.example"))!.Id;
    }
}

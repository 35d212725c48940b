using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Core.Mail;

namespace Portal.Tests.Browser;

/// <summary>An admin connects a mailbox and releases a held message from the quarantine, in Admin → Email.</summary>
public partial class RequestFlowTests
{
    [Fact]
    public async Task Admin_AddsAnImapMailbox_FixingWhatTheFormNames_AndReleasesAHeldMessage()
    {
        var admin = await fx.SignInAsync("ada.admin@acme.example");
        await admin.GotoAsync("/admin/email");
        await BrowserFixture.WaitForCircuitAsync(admin);
        await admin.Locator("[data-testid=mailbox-add]").ClickAsync();
        var address = $"legal-{Guid.NewGuid():N}"[..12] + "@acme.example";
        await admin.Locator("[data-testid=mailbox-address] input, input[data-testid=mailbox-address]").First.FillAsync(address);
        await BrowserFixture.ChooseAsync(admin, "Department", "Legal");
        await admin.Locator("[data-testid=mailbox-save]").ClickAsync();
        // What is missing is named, and nothing typed is lost.
        await admin.GetByText("Server is required.").WaitForAsync();
        Assert.Equal(address, await admin.Locator("input[data-testid=mailbox-address]").InputValueAsync());
        await admin.Locator("input[data-testid=mailbox-host]").FillAsync("imap.acme.example");
        await admin.Locator("input[data-testid=mailbox-user]").FillAsync(address);
        await admin.Locator("[data-testid=mailbox-save]").ClickAsync();
        var row = admin.Locator("[data-testid=mailbox-row]", new() { HasText = address });
        await row.WaitForAsync();
        Assert.Contains("No password configured", await row.InnerTextAsync());

        // A flood from one sender: the message over the limit waits in the quarantine until the admin releases it.
        var intake = fx.Services.GetRequiredService<MailIntake>();
        var subject = $"Flood {Guid.NewGuid():N}"[..14];
        MailResult last = default!;
        for (var i = 0; i < 21; i++)
            last = await intake.IngestAsync(Portal.Tests.Mail.MailIntakeTests.Mail("amira.novak@acme.example", "it@acme.example", $"{subject} {i}", "Again."));
        Assert.Equal(MailOutcome.Quarantined, last.Outcome);
        await admin.ReloadAsync();
        await BrowserFixture.WaitForCircuitAsync(admin);
        var held = admin.Locator("[data-testid=quarantined]", new() { HasText = $"{subject} 20" });
        await held.Locator("[data-testid=quarantine-retry]").ClickAsync();
        await admin.GetByText("Taken in again: new request IT-").WaitForAsync();
        await held.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Core.Mail;

namespace Portal.Tests.Browser;

/// <summary>An admin connects a mailbox and releases a held message from the quarantine, in Admin → Email.</summary>
public partial class RequestFlowTests
{
    [Fact]
    public async Task Admin_AddsAnImapMailbox_FixingWhatTheFormNames_AndReleasesTheMessageThatWaitedForIt()
    {
        // Mail to Legal's new address came before the mailbox was set up: it waits in the quarantine.
        var address = $"legal-{Guid.NewGuid():N}"[..12] + "@acme.example";
        var subject = $"NDA for a supplier {Guid.NewGuid():N}"[..26];
        var early = await fx.Services.GetRequiredService<MailIntake>().IngestAsync(
            Portal.Tests.Mail.MailIntakeTests.Mail("amira.novak@acme.example", address, subject, "Please review the attached NDA."));
        Assert.Equal("quarantined: addressed to no mailbox of the desk", early.Line);

        var admin = await fx.SignInAsync("ada.admin@acme.example");
        await admin.GotoAsync("/admin/email");
        await BrowserFixture.WaitForCircuitAsync(admin);
        await admin.Locator("[data-testid=mailbox-add]").ClickAsync();
        await admin.Locator("input[data-testid=mailbox-address]").FillAsync(address);
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

        // Now the held message has its mailbox: Retry files it with Legal.
        var held = admin.Locator("[data-testid=quarantined]", new() { HasText = subject });
        await held.Locator("[data-testid=quarantine-retry]").ClickAsync();
        await admin.GetByText("Taken in again: new request LEG-").WaitForAsync();
        await held.WaitForAsync(new() { State = WaitForSelectorState.Detached });
    }
}

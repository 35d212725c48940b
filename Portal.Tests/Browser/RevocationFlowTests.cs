using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Persistence;
using Portal.Core.Security;
using Portal.Core.Users;

namespace Portal.Tests.Browser;

/// <summary>
/// Taking access away reaches the page a person already has open: an HR agent deactivated (or losing her role) while
/// her ticket page is open is taken to the sign-in page at once, and cannot write a note with the rights she had.
/// </summary>
public partial class RequestFlowTests
{
    private async Task<(string AdminId, int HrTicketId)> HrSetupAsync()
    {
        var factory = fx.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var admin = await db.Users.Where(u => u.Email == "ada.admin@acme.example").Select(u => u.Id).SingleAsync();
        var ticket = await db.Tickets.Where(t => t.Department!.Code == "HR").OrderBy(t => t.Id).Select(t => t.Id).FirstAsync();
        return (admin, ticket);
    }

    private async Task<string> NewHrAgentAsync(string adminId, string email)
    {
        var admin = (await fx.Services.GetRequiredService<ActorService>().LoadAsync(adminId))!;
        var factory = fx.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var hr = await db.Departments.Where(d => d.Code == "HR").Select(d => d.Id).SingleAsync();
        return await fx.Services.GetRequiredService<UserAdminService>().SaveAsync(admin, new UserInput(null, email, "Hana " + email[..4],
            DemoData.Password, DeskRole.Agent, [hr], [], null, "", true));
    }

    [Theory]
    [InlineData("deactivated")]
    [InlineData("role removed")]
    public async Task HrAgent_LosesAccessWhileHerTicketPageIsOpen_IsSignedOutThere_AndCannotAddANote(string change)
    {
        var (adminId, ticketId) = await HrSetupAsync();
        var email = $"h{Guid.NewGuid():N}"[..8] + "@acme.example";
        var hanaId = await NewHrAgentAsync(adminId, email);
        var hana = await fx.SignInAsync(email);
        await hana.GotoAsync($"/tickets/{ticketId}");
        await BrowserFixture.WaitForCircuitAsync(hana);
        await hana.Locator("[data-testid=reply-body]").FillAsync("A note from someone who is leaving");

        var admin = (await fx.Services.GetRequiredService<ActorService>().LoadAsync(adminId))!;
        var users = fx.Services.GetRequiredService<UserAdminService>();
        var input = await users.GetAsync(admin, hanaId);
        await users.SaveAsync(admin, change == "deactivated" ? input with { IsActive = false } : input with { Roles = DeskRole.Requester });

        // Her open page gives way to the sign-in page by itself: nothing to click.
        await hana.Locator("#email").WaitForAsync();
        Assert.Contains("/account/login", hana.Url);
        var factory = fx.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        Assert.False(await db.TicketEvents.AnyAsync(e => e.TicketId == ticketId && e.ActorId == hanaId));

        // Signing in again: a deactivated account is refused; without the role the ticket is out of her reach.
        await hana.FillAsync("#email", email);
        await hana.FillAsync("#password", DemoData.Password);
        await hana.ClickAsync("#sign-in");
        if (change == "deactivated")
        {
            await hana.GetByText("deactivated").First.WaitForAsync();
        }
        else
        {
            await BrowserFixture.WaitForCircuitAsync(hana);
            await hana.GotoAsync($"/tickets/{ticketId}");
            await BrowserFixture.WaitForCircuitAsync(hana);
            await hana.Locator("[data-testid=problem]").WaitForAsync();
            Assert.Equal(0, await hana.Locator("[data-testid=reply-body]").CountAsync());
        }
    }
}

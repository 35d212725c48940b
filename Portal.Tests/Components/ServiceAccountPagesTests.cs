using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Admin;
using Portal.Core.Users;
using Portal.Features.Admin;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>Admin → Service accounts: one made without a password, given roles and a department, and its tokens made and listed.</summary>
public class ServiceAccountPagesTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private BunitContext Context() => DeskBunit.Create(_db, _db.Org.Admin, s =>
    {
        s.AddSingleton(_db.Get<UserAdminService>());
        s.AddSingleton(_db.Get<ApiTokenService>());
        s.AddSingleton(_db.Get<SignOutService>());
        s.AddSingleton(_db.Get<TwoStepSignIn>());
        s.AddSingleton(_db.Get<DepartmentAdminService>());
    });

    [Fact]
    public async Task AServiceAccount_IsMadeWithoutAPassword_AndGetsATokenThatActsWithItsRights()
    {
        await using var ctx = Context();
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/admin/users/new?kind=service");
        var form = ctx.Render<UserEditPage>();
        form.WaitForAssertion(() => Assert.Contains("New service account", form.Markup));
        Assert.Empty(form.FindAll("[data-testid=user-password]"));
        form.Find("[data-testid=user-name]").Change("Monitoring");
        form.Find("[data-testid=user-email]").Change("monitoring@corp.example");
        form.Find("[data-testid=role-Agent]").Change(true);
        await form.Choose<int, UserEditPage>("Departments", _db.Org.It.Id);
        form.Find("[data-testid=user-save]").Click();
        form.WaitForAssertion(() => Assert.Matches("/admin/users/[^/]+$", navigation.Uri));

        var id = Uri.UnescapeDataString(navigation.Uri[(navigation.Uri.LastIndexOf('/') + 1)..]);
        var page = ctx.Render<UserEditPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=service-account-note]")));
        Assert.Empty(page.FindAll("[data-testid=user-signout-everywhere]"));
        Assert.DoesNotContain("scope-admin", page.Markup); // not an admin: no admin scope offered
        page.Find("[data-testid=token-name]").Change("nagios");
        page.Find("[data-testid=scope-tickets\\:write]").Change(true);
        page.Find("[data-testid=make-token]").Click();
        var secret = page.WaitForElement("[data-testid=token-secret]").TextContent;

        var (caller, _) = await _db.Get<ApiTokenService>().AuthenticateAsync(secret, "test");
        Assert.NotNull(caller);
        Assert.Equal(id, caller.Actor.UserId);
        Assert.True(caller.Actor.CanWorkIn(_db.Org.It.Id));
        Assert.False(caller.Actor.CanWorkIn(_db.Org.Hr.Id));

        var list = ctx.Render<ServiceAccountsPage>();
        list.WaitForAssertion(() => Assert.Contains("Monitoring", list.Find("[data-testid=service-accounts]").TextContent));
        var row = list.Find("[data-testid=service-account-row]");
        Assert.Contains("1 active", row.TextContent);
        Assert.Contains("Agent", row.TextContent);
        Assert.Contains("IT", row.TextContent);

        // In the list of all users it is marked as what it is.
        var users = ctx.Render<UsersPage>();
        users.WaitForAssertion(() => Assert.Contains(users.FindAll("[data-testid=user-state]"), c => c.TextContent.Contains("Service account")));
        Assert.Single(users.FindAll("[data-testid=user-state]"), c => c.TextContent.Contains("Service account"));
    }

    [Fact]
    public async Task AServiceAccount_NeverGetsAPassword_WhicheverWayItIsSaved()
    {
        var admin = _db.Org.ActorFor(_db.Org.Admin);
        var users = _db.Get<UserAdminService>();
        var id = await users.SaveAsync(admin, new UserInput(null, "hr-sync@corp.example", "HR sync", null, Portal.Core.Security.DeskRole.Requester, [], [], null, "", true)
            { IsServiceAccount = true });
        var saved = await users.GetAsync(admin, id);
        // A form that does not know the account's kind still cannot give it a password.
        var refused = await Assert.ThrowsAsync<Portal.Core.Common.DeskValidationException>(() => users.SaveAsync(admin, saved with { Password = "Sneaky!2026", IsServiceAccount = false }));
        Assert.Contains("no password", refused.Errors["Password"]);
        Assert.Single(await users.ListServiceAccountsAsync(admin));
    }
}

using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Admin;
using Portal.Core.Users;
using Portal.Features.Account;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

/// <summary>Account → API tokens: a token is shown once, listed without its secret, refused with the field named, and revoked.</summary>
public class ApiTokensPageTests : IAsyncLifetime
{
    private TestDatabase _db = default!;

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task MakingATokenShowsItOnce_ThenItIsListed_AndRevokeEndsIt()
    {
        await using var ctx = DeskBunit.Create(_db, _db.Org.ItAgent, s => s.AddSingleton(_db.Get<ApiTokenService>()));
        var cut = ctx.Render<ApiTokensPage>();
        cut.WaitForAssertion(() => Assert.Contains("None yet", cut.Markup));
        Assert.DoesNotContain("scope-admin", cut.Markup); // admin scope only for admins

        cut.Find("[data-testid=make-token]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Name is required", cut.Markup));

        cut.Find("[data-testid=token-name]").Change("Nightly export");
        cut.Find("[data-testid=make-token]").Click();
        var secret = cut.WaitForElement("[data-testid=token-secret]").TextContent;
        Assert.StartsWith(ApiTokenService.SecretPrefix, secret);
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=token-row]")));
        Assert.Contains("Nightly export", cut.Find("[data-testid=tokens]").TextContent);
        Assert.DoesNotContain(secret, cut.Find("[data-testid=tokens]").TextContent);
        Assert.NotNull((await _db.Get<ApiTokenService>().AuthenticateAsync(secret, "test")).Caller);

        cut.Find("[data-testid=revoke-token]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Revoked", cut.Find("[data-testid=tokens]").TextContent));
        Assert.Equal(TokenRefusal.Revoked, (await _db.Get<ApiTokenService>().AuthenticateAsync(secret, "test")).Refusal);
        await using var db = _db.NewContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.Action == "api-token.changed"));
    }
}

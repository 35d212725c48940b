using System.Net;
using System.Text.RegularExpressions;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

public partial class SignInTests(PortalWebFixture fx) : IClassFixture<PortalWebFixture>
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    private HttpClient Anonymous() => fx.Factory.ClientFor(null);

    internal static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password, string? returnUrl = null)
    {
        var page = await client.GetStringAsync("/account/login");
        var token = TokenPattern().Match(page).Groups[1].Value;
        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token), ["email"] = email, ["password"] = password,
            ["returnUrl"] = returnUrl ?? "",
        };
        return await client.PostAsync("/account/signin", new FormUrlEncodedContent(form));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/queues/1")]
    [InlineData("/admin/users")]
    public async Task AnonymousVisitor_IsSentToSignInWithReturnAddress(string path)
    {
        var response = await Anonymous().GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.Contains("/account/login", location);
        Assert.Contains(Uri.EscapeDataString(path), location);
    }

    [Fact]
    public async Task SignInPage_SaysOnlyItsOwnMessages_NeverTextFromTheAddress()
    {
        var known = await Anonymous().GetStringAsync("/account/login?error=locked");
        Assert.Contains("Too many wrong codes: this account is locked for 15 minutes.", known);
        var wait = await Anonymous().GetStringAsync("/account/login?error=throttled&wait=999999");
        Assert.Contains("Please wait 60 minutes before the next one.", wait);
        var planted = await Anonymous().GetStringAsync("/account/login?error=" + Uri.EscapeDataString("Your account is suspended. Call +1 555 0100"));
        Assert.DoesNotContain("Call +1 555 0100", planted);
        Assert.DoesNotContain("role=\"alert\"", planted);
    }

    [Fact]
    public async Task SignInPage_OutsideDevelopment_ListsNoDemoAccounts()
    {
        var html = await Anonymous().GetStringAsync("/account/login");
        Assert.Contains("Sign in", html);
        Assert.DoesNotContain("Demo sign-ins", html);
    }

    [Fact]
    public async Task SignIn_RightPassword_LandsOnReturnAddressSignedIn()
    {
        var client = Anonymous();
        var response = await PostLoginAsync(client, fx.Org.Requester.Email!, TestOrg.Password, "/requests");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/requests", response.Headers.Location!.ToString());
        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("Hello, Rita Requester", await home.Content.ReadAsStringAsync());

        // Signing out ends the session.
        var page = await client.GetStringAsync("/");
        var token = WebUtility.HtmlDecode(TokenPattern().Match(page).Groups[1].Value);
        var signOut = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task SignIn_ForeignReturnAddress_GoesHomeInstead()
    {
        var response = await PostLoginAsync(Anonymous(), fx.Org.Requester.Email!, TestOrg.Password, "https://evil.example/");
        Assert.Equal("/", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task SignIn_WrongPassword_SaysSoAndKeepsTheEmail()
    {
        var client = Anonymous();
        var response = await PostLoginAsync(client, fx.Org.ItAgent2.Email!, "wrong-password");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await client.GetStringAsync(response.Headers.Location!.ToString());
        Assert.Contains("That email and password do not match an account.", page);
        Assert.Contains($"value=\"{fx.Org.ItAgent2.Email}\"", page);
    }

    [Fact]
    public async Task SignInAttempts_AreAudited_WithoutThePassword()
    {
        var email = fx.Org.OtherRequester.Email!;
        await PostLoginAsync(Anonymous(), email, "not-the-password-7788");
        await PostLoginAsync(Anonymous(), email, TestOrg.Password);
        await PostLoginAsync(Anonymous(), "nobody@test.example", "whatever-7788");

        var factory = (Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Core.Persistence.DeskDbContext>)
            fx.Factory.Services.GetService(typeof(Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Core.Persistence.DeskDbContext>))!;
        await using var db = await factory.CreateDbContextAsync();
        var entries = db.AuditEntries.Where(e => e.Action.StartsWith("signin.")).OrderBy(e => e.Id).ToList();
        var mine = entries.Where(e => e.EntityId == email.ToLowerInvariant()).Select(e => (e.Action, e.ActorId)).ToList();
        Assert.Equal([("signin.failed", fx.Org.OtherRequester.Id), ("signin.succeeded", fx.Org.OtherRequester.Id)], mine.TakeLast(2));
        Assert.Contains(entries, e => e.Action == "signin.failed" && e.EntityId == "nobody@test.example" && e.ActorId == null);
        Assert.DoesNotContain(db.AuditEntries.ToList(), e => (e.Before + e.After + e.EntityId).Contains("7788", StringComparison.Ordinal));
        Assert.True((await ((Portal.Core.Audit.AuditService)fx.Factory.Services.GetService(typeof(Portal.Core.Audit.AuditService))!).VerifyAsync()).Holds);
    }

    [Fact]
    public async Task SignIn_DeactivatedAccount_IsRefused()
    {
        var client = Anonymous();
        var response = await PostLoginAsync(client, fx.Org.Deactivated.Email!, TestOrg.Password);
        var page = await client.GetStringAsync(response.Headers.Location!.ToString());
        Assert.Contains("This account has been deactivated", page);
    }

    [Fact]
    public async Task SignIn_WithEntraIdNotSetUp_SaysSo_InsteadOfFailing()
    {
        var client = Anonymous();
        var response = await client.GetAsync("/account/entra?returnUrl=%2Fqueues%2F1");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await client.GetStringAsync(response.Headers.Location!.ToString());
        Assert.Contains("Sign-in with Entra ID is not set up on this desk", page);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_IsRefusedWithAPlainMessage()
    {
        var client = Anonymous();
        var response = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = fx.Org.Requester.Email!, ["password"] = TestOrg.Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await client.GetStringAsync(response.Headers.Location!.ToString());
        Assert.Contains("The sign-in form had expired", page);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }
}

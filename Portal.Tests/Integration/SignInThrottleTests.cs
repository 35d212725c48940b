using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Users;
using Portal.Core.Admin;
using Portal.Tests.Support;

namespace Portal.Tests.Integration;

/// <summary>Guessing is slowed per account and per address; nobody is locked out by a stranger; answers do not tell which emails exist.</summary>
public class SignInThrottleTests(SignInThrottleTests.Fixture fx) : IClassFixture<SignInThrottleTests.Fixture>
{
    public sealed class Fixture : IAsyncLifetime
    {
        public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
        public CountingHasher Hasher { get; } = new();
        public Factory Web { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            Web = new Factory(this, new Dictionary<string, string?> { ["Security:SignIn:FreeFailuresPerAccount"] = "2" });
            await Web.StartAsync();
        }

        public async Task DisposeAsync() => await Web.DisposeAsync();
    }

    public sealed class Factory(Fixture fx, IReadOnlyDictionary<string, string?> settings) : PortalFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => settings;

        protected override void ConfigureServices(IServiceCollection services)
        {
            services.AddSingleton<TimeProvider>(fx.Clock);
            services.AddSingleton<IPasswordHasher<DeskUser>>(fx.Hasher);
        }
    }

    /// <summary>Identity's hasher, counting how often a password is checked.</summary>
    public sealed class CountingHasher : IPasswordHasher<DeskUser>
    {
        private readonly PasswordHasher<DeskUser> _inner = new();
        private int _checks;

        public int Checks => _checks;

        public string HashPassword(DeskUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(DeskUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _checks);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    private HttpClient Browser() => fx.Web.ClientFor(null);

    private static async Task<string> PageAfterAsync(HttpClient client, HttpResponseMessage response) =>
        await client.GetStringAsync(response.Headers.Location!.ToString());

    [Fact]
    public async Task AStrangersWrongPasswords_MakeTheNextAttemptsWait_ButTheOwnersOwnBrowserSignsInAtOnce()
    {
        var email = fx.Web.Org.HrAgent.Email!;
        var owner = Browser();
        Assert.Equal("/", (await SignInTests.PostLoginAsync(owner, email, TestOrg.Password)).Headers.Location!.ToString());

        var stranger = Browser();
        for (var i = 0; i < 4; i++)
            await SignInTests.PostLoginAsync(stranger, email, "guess-" + i);
        var checks = fx.Hasher.Checks;
        var guess = await SignInTests.PostLoginAsync(stranger, email, TestOrg.Password);
        Assert.Contains("Too many sign-in attempts. Please wait", await PageAfterAsync(stranger, guess));
        Assert.Equal(checks, fx.Hasher.Checks); // refused before the password was looked at, even the right one

        // The owner's browser, where she signed in before, is not kept waiting, and nothing is locked.
        var back = await SignInTests.PostLoginAsync(owner, email, TestOrg.Password);
        Assert.Equal("/", back.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/")).StatusCode);

        // Elsewhere the wait is a delay, not a block: once it has passed, the right password works.
        fx.Clock.Advance(TimeSpan.FromMinutes(6));
        var later = Browser();
        Assert.Equal("/", (await SignInTests.PostLoginAsync(later, email, TestOrg.Password)).Headers.Location!.ToString());
    }

    [Fact]
    public async Task AnUnknownEmail_CostsAPasswordCheck_LikeARealOne_AndADeactivatedAccountIsNamedOnlyToWhoKnowsItsPassword()
    {
        var client = Browser();
        var before = fx.Hasher.Checks;
        var unknown = await SignInTests.PostLoginAsync(client, "nobody-here@test.example", "whatever-123");
        Assert.Equal(before + 1, fx.Hasher.Checks);
        Assert.Contains("That email and password do not match an account.", await PageAfterAsync(client, unknown));

        var wrong = await SignInTests.PostLoginAsync(client, fx.Web.Org.Deactivated.Email!, "not-her-password");
        Assert.Contains("That email and password do not match an account.", await PageAfterAsync(client, wrong));
        var right = await SignInTests.PostLoginAsync(client, fx.Web.Org.Deactivated.Email!, TestOrg.Password);
        Assert.Contains("This account has been deactivated", await PageAfterAsync(client, right));
    }

    [Fact]
    public async Task AFloodOfSignInPosts_FromOneAddress_IsCutOffByTheRateLimiter_WithAMessage()
    {
        await using var web = new Factory(fx, new Dictionary<string, string?>
        {
            ["Security:SignIn:AttemptsPerWindow"] = "3", ["Security:SignIn:WindowSeconds"] = "3600",
        });
        await web.StartAsync();
        var client = web.ClientFor(null);
        for (var i = 0; i < 3; i++)
            Assert.Contains("error=mismatch", (await SignInTests.PostLoginAsync(client, web.Org.ItAgent.Email!, "wrong-" + i)).Headers.Location!.ToString());
        var fourth = await SignInTests.PostLoginAsync(client, web.Org.ItAgent.Email!, TestOrg.Password);
        Assert.Equal(HttpStatusCode.Redirect, fourth.StatusCode);
        Assert.Contains("Too many sign-in attempts. Please wait", await PageAfterAsync(client, fourth));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode); // not signed in
    }

    [Fact]
    public async Task TwoStepSignIn_AsksForTheAppsCode_AfterTheRightPassword_AndACodeWorksOnce()
    {
        var user = fx.Web.Org.Admin;
        var twoStep = fx.Web.Services.GetRequiredService<TwoStepSignIn>();
        var actor = fx.Web.Org.ActorFor(user);
        var setup = await twoStep.BeginAsync(actor);
        var key = setup.Key.Replace(" ", "");
        var codes = await twoStep.EnableAsync(actor, Code(key));
        Assert.Equal(10, codes.Count);
        fx.Clock.Advance(TimeSpan.FromSeconds(30));

        var client = Browser();
        var password = await SignInTests.PostLoginAsync(client, user.Email!, TestOrg.Password, "/admin/users");
        Assert.StartsWith("/account/two-step", password.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode); // the password alone is not a sign-in

        var wrong = await PostCodeAsync(client, "000000" == Code(key) ? "111111" : "000000");
        Assert.Contains("That is not the code your app shows now", await PageAfterAsync(client, wrong));
        var right = await PostCodeAsync(client, Code(key), "/admin/users");
        Assert.Equal("/admin/users", right.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        // The same code again, in another browser, is refused; a recovery code works once.
        var other = Browser();
        await SignInTests.PostLoginAsync(other, user.Email!, TestOrg.Password);
        Assert.Contains("error=code", (await PostCodeAsync(other, Code(key))).Headers.Location!.ToString());
        Assert.Equal("/", (await PostCodeAsync(other, codes[0])).Headers.Location!.ToString());
        var third = Browser();
        await SignInTests.PostLoginAsync(third, user.Email!, TestOrg.Password);
        Assert.Contains("error=code", (await PostCodeAsync(third, codes[0])).Headers.Location!.ToString());

        // Turning one's own off needs a current code.
        await Assert.ThrowsAsync<Portal.Core.Common.DeskValidationException>(() => twoStep.DisableAsync(actor, user.Id, null));
    }

    private string Code(string key) => OtpNet.Base32Encoding.ToBytes(key) is var bytes
        ? new OtpNet.Totp(bytes).ComputeTotp(fx.Clock.GetUtcNow().UtcDateTime) : "";

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string code, string returnUrl = "")
    {
        var page = await client.GetStringAsync("/account/two-step");
        var token = WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        return await client.PostAsync("/account/two-step/verify", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["code"] = code, ["returnUrl"] = returnUrl,
        }));
    }
}

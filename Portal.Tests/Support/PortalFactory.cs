using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Persistence;

namespace Portal.Tests.Support;

/// <summary>
/// The whole portal over a fresh SQLite file. Requests with an X-Test-User header are signed in as that user id;
/// all others go through the real cookie sign-in.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>
{
    public const string TestUserHeader = "X-Test-User";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "internaldesk-web", Guid.NewGuid().ToString("N"));
    private string? _postgres;

    protected virtual string EnvironmentName => "Testing";
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Services a test replaces (a fake clock, say).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public TestOrg Org { get; private set; } = default!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Directory.CreateDirectory(_directory);
        builder.UseEnvironment(EnvironmentName);
        if (TestDatabases.Postgres)
        {
            // A database of its own unless the test names one (two nodes on one database, say).
            builder.UseSetting("Database:Provider", "Postgres");
            if (!Settings.ContainsKey("ConnectionStrings:Desk"))
                builder.UseSetting("ConnectionStrings:Desk", _postgres ??= TestDatabases.CreatePostgres());
        }
        else
        {
            var file = Path.Combine(_directory, "desk.db");
            builder.UseSetting("ConnectionStrings:Desk", File.Exists(file) ? $"Data Source={file}" : TestDatabases.CopySqlite(file));
        }
        // Scheduled jobs only where a test needs them running by themselves (its Settings turn them on).
        builder.UseSetting("Desk:ScheduledJobs", "false");
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureTestServices(services =>
        {
            ConfigureServices(services);
            services.AddAuthentication()
                .AddScheme<AuthenticationSchemeOptions, HeaderAuthHandler>(HeaderAuthHandler.SchemeName, _ => { })
                .AddPolicyScheme("HeaderOrCookie", null, o => o.ForwardDefaultSelector = ctx =>
                    ctx.Request.Headers.ContainsKey(TestUserHeader) ? HeaderAuthHandler.SchemeName
                    : ctx.Request.Headers.Authorization.Count > 0 ? global::Portal.Api.ApiTokenHandler.SchemeName : IdentityConstants.ApplicationScheme);
            services.PostConfigure<AuthenticationOptions>(o =>
            {
                o.DefaultScheme = "HeaderOrCookie";
                o.DefaultAuthenticateScheme = "HeaderOrCookie";
                o.DefaultChallengeScheme = "HeaderOrCookie";
            });
        });
    }

    /// <summary>Starts the app (which migrates) and seeds the test organisation.</summary>
    public async Task StartAsync(bool seedOrg = true)
    {
        _ = Services;
        if (seedOrg)
            Org = await TestOrg.SeedAsync(Services.GetRequiredService<IDbContextFactory<DeskDbContext>>());
    }

    public HttpClient ClientFor(string? userId)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (userId is not null)
            client.DefaultRequestHeaders.Add(TestUserHeader, userId);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is not null)
            await TestDatabases.DropPostgresAsync(_postgres);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }

        GC.SuppressFinalize(this);
    }

    private sealed class HeaderAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestHeader";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var id = Request.Headers[TestUserHeader].ToString();
            if (string.IsNullOrEmpty(id))
                return Task.FromResult(AuthenticateResult.NoResult());
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id)], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}

/// <summary>A portal started once per test class, with the settings its subclass names (tight limits, fast retries).</summary>
public abstract class StartedPortal : PortalFactory, IAsyncLifetime
{
    public Task InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();
}

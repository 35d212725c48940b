using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Persistence;

namespace Portal.Tests.Support;

/// <summary>
/// A real database migrated like production, with the Core services over it: a SQLite file in a temporary folder, or a
/// PostgreSQL database of its own when the run is on PostgreSQL (<see cref="TestDatabases"/>).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _directory;

    public string ConnectionString { get; }
    public ServiceProvider Services { get; }
    /// <summary>Monday 23 November 2026, 09:00 UTC: where every test database's clock starts.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);
    public TestOrg Org { get; private set; } = default!;

    private TestDatabase(string directory, string connectionString, IReadOnlyDictionary<string, string?>? settings)
    {
        _directory = directory;
        ConnectionString = connectionString;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalCore(new ConfigurationBuilder()
            .AddInMemoryCollection(TestDatabases.Settings(ConnectionString))
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build(), _directory);
        services.AddSingleton<TimeProvider>(Clock);
        Services = services.BuildServiceProvider();
    }

    /// <param name="settings">Extra configuration, as appsettings would give it (e.g. Notifications:Email:Host).</param>
    public static async Task<TestDatabase> CreateAsync(bool withOrg = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "internaldesk-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        // A copy of a template migrated once per run, on either provider.
        var connectionString = TestDatabases.Postgres
            ? await TestDatabases.CreatePostgresAsync()
            : await TestDatabases.CopySqliteAsync(Path.Combine(directory, "desk.db"));
        var db = new TestDatabase(directory, connectionString, settings);
        if (withOrg)
            db.Org = await TestOrg.SeedAsync(db.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>());
        return db;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public DeskDbContext NewContext() => Get<IDbContextFactory<DeskDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (TestDatabases.Postgres)
            await TestDatabases.DropPostgresAsync(ConnectionString);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open on some platform; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>A reporting line for approvals: the requester reports to IT's supervisor, who reports to the admin.</summary>
    public async Task SetReportingLineAsync()
    {
        await using var db = NewContext();
        await db.Users.Where(u => u.Id == Org.Requester.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.ManagerId, Org.ItSupervisor.Id));
        await db.Users.Where(u => u.Id == Org.ItSupervisor.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.ManagerId, Org.Admin.Id));
    }
}

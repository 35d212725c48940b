using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Core.Persistence;

namespace Portal.Tests.Support;

/// <summary>A real SQLite database in a temporary file, migrated like production, with the Core services over it.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _directory;

    public string ConnectionString { get; }
    public ServiceProvider Services { get; }
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
    public TestOrg Org { get; private set; } = default!;

    private TestDatabase(IReadOnlyDictionary<string, string?>? settings)
    {
        _directory = Path.Combine(Path.GetTempPath(), "internaldesk-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        ConnectionString = $"Data Source={Path.Combine(_directory, "desk.db")}";
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalCore(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Desk"] = ConnectionString })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build(), _directory);
        services.AddSingleton<TimeProvider>(Clock);
        Services = services.BuildServiceProvider();
    }

    /// <param name="settings">Extra configuration, as appsettings would give it (e.g. Notifications:Email:Host).</param>
    public static async Task<TestDatabase> CreateAsync(bool withOrg = true, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var db = new TestDatabase(settings);
        await db.Services.GetRequiredService<DatabaseSetup>().MigrateAsync();
        if (withOrg)
            db.Org = await TestOrg.SeedAsync(db.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>());
        return db;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public DeskDbContext NewContext() => Get<IDbContextFactory<DeskDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
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
}

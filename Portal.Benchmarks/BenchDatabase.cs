using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Persistence;

namespace Portal.Benchmarks;

/// <summary>A migrated SQLite file in a temporary folder with the Core services over it; disposing deletes it.</summary>
public sealed class BenchDatabase : IDisposable
{
    private readonly string _directory;

    public ServiceProvider Services { get; }

    private BenchDatabase(string directory, ServiceProvider services) => (_directory, Services) = (directory, services);

    public static async Task<BenchDatabase> CreateAsync(string folder = "internaldesk-bench")
    {
        var directory = Path.Combine(Path.GetTempPath(), folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Desk"] = $"Data Source={Path.Combine(directory, "desk.db")}",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalCore(config, directory);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<DatabaseSetup>().MigrateAsync();
        return new BenchDatabase(directory, provider);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public void Dispose()
    {
        Services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, true);
    }
}

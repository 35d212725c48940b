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

    /// <summary>The SQLite file.</summary>
    public string File { get; }

    private BenchDatabase(string directory, ServiceProvider services, string file) => (_directory, Services, File) = (directory, services, file);

    /// <summary>A fresh database in a temporary folder, or the given file (kept); on a clock of the caller's when given.</summary>
    public static async Task<BenchDatabase> CreateAsync(string folder = "internaldesk-bench", TimeProvider? clock = null, string? file = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        file ??= Path.Combine(directory, "desk.db");
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Desk"] = $"Data Source={file}",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalCore(config, directory);
        if (clock is not null)
            services.AddSingleton(clock);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<DatabaseSetup>().MigrateAsync();
        return new BenchDatabase(directory, provider, file);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public void Dispose()
    {
        Services.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, true);
    }
}

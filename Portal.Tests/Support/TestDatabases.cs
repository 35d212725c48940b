using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Core.Persistence;

namespace Portal.Tests.Support;

/// <summary>
/// Which database the service and integration tests run on: SQLite files by default; a real PostgreSQL server when
/// DESK_TEST_PROVIDER=Postgres (test.sh starts one on a loopback port and names it in DESK_TEST_POSTGRES). On PostgreSQL
/// each test gets a database of its own, copied from a template migrated once per run.
/// </summary>
public static class TestDatabases
{
    private const string Template = "desk_test_template";
    private const string Prefix = "desk_test_";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _templateReady;
    private static bool _leftoversRemoved;

    static TestDatabases() => NpgsqlSwitches.Set();

    public static bool Postgres { get; } =
        string.Equals(Environment.GetEnvironmentVariable("DESK_TEST_PROVIDER"), "Postgres", StringComparison.OrdinalIgnoreCase);

    private static string Server => Environment.GetEnvironmentVariable("DESK_TEST_POSTGRES") ?? "Host=127.0.0.1;Port=55432;Username=postgres";

    /// <summary>The provider's configuration for a database (both keys), as appsettings would give them.</summary>
    public static Dictionary<string, string?> Settings(string connectionString) => new()
    {
        ["Database:Provider"] = Postgres ? "Postgres" : "Sqlite",
        ["ConnectionStrings:Desk"] = connectionString,
    };

    public static string ConnectionTo(string database) =>
        new NpgsqlConnectionStringBuilder(Server) { Database = database, MaxPoolSize = 20 }.ToString();

    /// <summary>A new, migrated PostgreSQL database with the reference data every install has; its connection string.</summary>
    public static async Task<string> CreatePostgresAsync()
    {
        var name = Prefix + Guid.NewGuid().ToString("N")[..20];
        await Gate.WaitAsync();
        try
        {
            if (!_leftoversRemoved)
            {
                await RemoveLeftoversAsync();
                _leftoversRemoved = true;
            }

            if (!_templateReady)
            {
                await MakeTemplateAsync();
                _templateReady = true;
            }

            await AdminAsync($"""CREATE DATABASE "{name}" TEMPLATE "{Template}" """);
        }
        finally
        {
            Gate.Release();
        }

        return ConnectionTo(name);
    }

    public static string CreatePostgres() => CreatePostgresAsync().GetAwaiter().GetResult();

    private static readonly Lazy<Task<string>> SqliteTemplate = new(MakeSqliteTemplateAsync);

    /// <summary>
    /// A SQLite file at <paramref name="path"/> copied from a template migrated once per run (with the reference data
    /// every install has), so no test replays the migrations; its connection string.
    /// </summary>
    public static async Task<string> CopySqliteAsync(string path)
    {
        File.Copy(await SqliteTemplate.Value, path);
        return $"Data Source={path}";
    }

    public static string CopySqlite(string path) => CopySqliteAsync(path).GetAwaiter().GetResult();

    private static async Task<string> MakeSqliteTemplateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "internaldesk-tests", "template-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "desk.db");
        var connectionString = $"Data Source={file}";
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalCore(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite", ["ConnectionStrings:Desk"] = connectionString,
        }).Build(), folder);
        services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestDatabase.Start));
        await using (var provider = services.BuildServiceProvider())
            await provider.GetRequiredService<DatabaseSetup>().MigrateAsync();
        // Everything into the main file (no write-ahead log beside it), so a plain copy is the whole database.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return file;
    }

    /// <summary>Removes a database made by <see cref="CreatePostgresAsync"/>, closing what is still connected to it.</summary>
    public static async Task DropPostgresAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        using (var pooled = new NpgsqlConnection(connectionString))
            NpgsqlConnection.ClearPool(pooled);
        await AdminAsync($"""DROP DATABASE IF EXISTS "{database}" WITH (FORCE)""");
    }

    /// <summary>Once per run, before any test's database exists: what earlier runs left is removed.</summary>
    private static async Task RemoveLeftoversAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionTo("postgres"));
        await connection.OpenAsync();
        var left = new List<string>();
        await using (var list = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE datname LIKE '{Prefix}%'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                left.Add(reader.GetString(0));
        foreach (var name in left)
        {
            await using var drop = new NpgsqlCommand($"""DROP DATABASE IF EXISTS "{name}" WITH (FORCE)""", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The template, migrated like a production database (made again if an earlier try failed half-way).</summary>
    private static async Task MakeTemplateAsync()
    {
        await AdminAsync($"""DROP DATABASE IF EXISTS "{Template}" WITH (FORCE)""");
        await AdminAsync($"""CREATE DATABASE "{Template}" """);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalCore(new ConfigurationBuilder().AddInMemoryCollection(Settings(ConnectionTo(Template))).Build(), Path.GetTempPath());
        // The reference data's audit entries carry the instant every test database starts at (TestDatabase's clock).
        services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestDatabase.Start));
        await using (var provider = services.BuildServiceProvider())
            await provider.GetRequiredService<DatabaseSetup>().MigrateAsync();
        NpgsqlConnection.ClearAllPools();
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionTo("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

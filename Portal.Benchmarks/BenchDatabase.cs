using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Portal.Core.Persistence;

namespace Portal.Benchmarks;

/// <summary>
/// A migrated desk database with the Core services over it: a SQLite file in a temporary folder, or, when
/// DESK_BENCH_POSTGRES names a PostgreSQL server (e.g. "Host=127.0.0.1;Port=55433;Username=postgres"), a database on
/// it. Disposing deletes the file (or drops the database) unless it was asked to be kept.
/// </summary>
public sealed class BenchDatabase : IDisposable
{
    private readonly string _directory;
    private readonly bool _keep;

    public ServiceProvider Services { get; }

    /// <summary>The SQLite file, or the PostgreSQL database's connection string.</summary>
    public string File { get; }

    // Npgsql reads its timestamp switch the first time any of its types is used: before anything here touches it.
    static BenchDatabase() => NpgsqlSwitches.Set();

    public static string? PostgresServer => Environment.GetEnvironmentVariable("DESK_BENCH_POSTGRES");

    public static bool Postgres => !string.IsNullOrWhiteSpace(PostgresServer);

    public static string ProviderName => Postgres ? "PostgreSQL" : "SQLite";

    private BenchDatabase(string directory, ServiceProvider services, string file, bool keep) =>
        (_directory, Services, File, _keep) = (directory, services, file, keep);

    /// <summary>
    /// A fresh database, or the given one kept (a SQLite file path, or a PostgreSQL database name); on a clock of the
    /// caller's when given.
    /// </summary>
    public static async Task<BenchDatabase> CreateAsync(string folder = "internaldesk-bench", TimeProvider? clock = null, string? keep = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        string connectionString;
        if (Postgres)
        {
            var name = keep ?? "desk_bench_" + Guid.NewGuid().ToString("N")[..12];
            if (keep is null || !await PostgresDatabaseExistsAsync(name))
                await PostgresAdminAsync($"CREATE DATABASE \"{name}\"");
            connectionString = new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ToString();
        }
        else
        {
            connectionString = $"Data Source={keep ?? Path.Combine(directory, "desk.db")}";
        }

        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = Postgres ? "Postgres" : "Sqlite",
            ["ConnectionStrings:Desk"] = connectionString,
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalCore(config, directory);
        if (clock is not null)
            services.AddSingleton(clock);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<DatabaseSetup>().MigrateAsync();
        return new BenchDatabase(directory, provider, Postgres ? connectionString : connectionString["Data Source=".Length..], keep is not null);
    }

    /// <summary>Whether a kept database (a file or a PostgreSQL database) already holds a desk.</summary>
    public static async Task<bool> ExistsAsync(string? keep) =>
        keep is not null && (Postgres ? await PostgresDatabaseExistsAsync(keep) && await HasTicketsAsync(keep) : System.IO.File.Exists(keep));

    /// <summary>The database's size on disk in MB.</summary>
    public async Task<double> SizeMbAsync()
    {
        if (!Postgres)
            return new FileInfo(File).Length / 1_048_576.0;
        await using var db = await Get<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pg_database_size(current_database())";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) / 1_048_576.0;
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public void Dispose()
    {
        Services.Dispose();
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (Postgres && !_keep)
            PostgresAdminAsync($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(File).Database}\" WITH (FORCE)").GetAwaiter().GetResult();
        Directory.Delete(_directory, true);
    }

    /// <summary>A command on the connection and transaction, with parameters named @a, @b ... (both providers accept @).</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in names)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }

    /// <summary>On PostgreSQL, moves a table's identity on past the ids a generator wrote itself (SQLite needs nothing).</summary>
    public static async Task AfterExplicitIdsAsync(DbConnection connection, DbTransaction tx, string table)
    {
        if (connection is not NpgsqlConnection)
            return;
        await Command(connection, tx, $"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'Id'), (SELECT MAX(\"Id\") FROM \"{table}\"))").ExecuteScalarAsync();
    }

    private static async Task<bool> PostgresDatabaseExistsAsync(string name)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "postgres" }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", connection);
        command.Parameters.AddWithValue("n", name);
        return await command.ExecuteScalarAsync() is not null;
    }

    private static async Task<bool> HasTicketsAsync(string name)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass('\"Tickets\"') IS NOT NULL AND EXISTS (SELECT 1 FROM \"Tickets\")", connection);
        try
        {
            return await command.ExecuteScalarAsync() is true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    private static async Task PostgresAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(PostgresServer) { Database = "postgres" }.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Runs a generator's commands with their current parameter values: at once on SQLite (in-process, nothing to save),
/// in batches of 1,000 statements on PostgreSQL (one round trip each, in the order given). Flush before commit.
/// </summary>
public sealed class GeneratorWriter(DbConnection connection, DbTransaction tx) : IAsyncDisposable
{
    private DbBatch? _batch;

    public async Task RunAsync(DbCommand command)
    {
        if (!connection.CanCreateBatch)
        {
            await command.ExecuteNonQueryAsync();
            return;
        }

        _batch ??= NewBatch();
        var copy = _batch.CreateBatchCommand();
        copy.CommandText = command.CommandText;
        foreach (DbParameter p in command.Parameters)
        {
            var q = copy.CreateParameter();
            (q.ParameterName, q.Value) = (p.ParameterName, p.Value ?? DBNull.Value);
            copy.Parameters.Add(q);
        }

        _batch.BatchCommands.Add(copy);
        if (_batch.BatchCommands.Count >= 1000)
            await FlushAsync();
    }

    public async Task FlushAsync()
    {
        if (_batch is null)
            return;
        await _batch.ExecuteNonQueryAsync();
        await _batch.DisposeAsync();
        _batch = null;
    }

    private DbBatch NewBatch()
    {
        var batch = connection.CreateBatch();
        batch.Transaction = tx;
        return batch;
    }

    public async ValueTask DisposeAsync()
    {
        if (_batch is not null)
            await _batch.DisposeAsync();
    }
}

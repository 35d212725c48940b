using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Portal.Core.Persistence;

/// <summary>Which database the desk runs on: <c>Database:Provider</c> = <c>Sqlite</c> (the embedded default) or <c>Postgres</c>.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public static class DatabaseProviders
{
    public const string Key = "Database:Provider";

    extension(DatabaseProvider)
    {
        /// <summary>The configured provider; an unknown name is refused with the names that are known.</summary>
        public static DatabaseProvider Of(IConfiguration configuration)
        {
            var name = configuration[Key];
            if (string.IsNullOrWhiteSpace(name))
                return DatabaseProvider.Sqlite;
            return Enum.TryParse<DatabaseProvider>(name.Trim(), ignoreCase: true, out var provider) && Enum.IsDefined(provider)
                ? provider
                : name.Trim().Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase) || name.Trim().Equals("Npgsql", StringComparison.OrdinalIgnoreCase)
                    ? DatabaseProvider.Postgres
                    : throw new InvalidOperationException($"{Key} is \"{name}\"; use Sqlite (the default) or Postgres.");
        }
    }

    /// <summary>Whether the context talks to PostgreSQL (raw SQL that differs between the two asks this).</summary>
    public static bool IsPostgres(this DatabaseFacade database) =>
        database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";
}

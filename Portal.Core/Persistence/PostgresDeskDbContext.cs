using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portal.Core.Persistence;

/// <summary>
/// The same model on PostgreSQL. A type of its own only so that PostgreSQL's migration set (Persistence/PostgresMigrations)
/// is told apart from SQLite's; every service still asks for a <see cref="DeskDbContext"/>.
/// </summary>
public sealed class PostgresDeskDbContext(DbContextOptions<DeskDbContext> options) : DeskDbContext(options);

/// <summary>Hands out the PostgreSQL context wherever a <see cref="DeskDbContext"/> is asked for.</summary>
internal sealed class PostgresContextFactory(DbContextOptions<DeskDbContext> options) : IDbContextFactory<DeskDbContext>
{
    public DeskDbContext CreateDbContext() => new PostgresDeskDbContext(options);
}

/// <summary>Used by dotnet-ef to build the PostgreSQL migrations (no server is contacted); never at run time.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresDeskDbContext>
{
    public PostgresDeskDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<DeskDbContext>();
        PortalCoreServices.ConfigurePostgres(builder, "Host=localhost;Database=design", withInterceptors: false);
        return new PostgresDeskDbContext(builder.Options);
    }
}

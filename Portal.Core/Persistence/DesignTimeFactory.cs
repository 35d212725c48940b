using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portal.Core.Persistence;

/// <summary>Used by dotnet-ef to build migrations; never at run time.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<DeskDbContext>
{
    public DeskDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<DeskDbContext>().UseSqlite("Data Source=design.db").Options;
        return new DeskDbContext(options);
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Audit;

namespace Portal.Tests.Support;

/// <summary>Reads the audit trail, and tampers with it in the database file as someone with the file (not the app) could.</summary>
public static class AuditFile
{
    public static async Task<List<AuditEntry>> EntriesAsync(TestDatabase db)
    {
        await using var ctx = db.NewContext();
        return await ctx.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>Drops the triggers that protect the trail (as such a person would first), then runs the SQL.</summary>
    public static async Task TamperAsync(TestDatabase db, string sql)
    {
        await using var connection = new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER IF EXISTS AuditEntries_NoUpdate; DROP TRIGGER IF EXISTS AuditEntries_NoDelete; " + sql;
        await command.ExecuteNonQueryAsync();
    }
}

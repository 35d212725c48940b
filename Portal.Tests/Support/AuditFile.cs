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

    /// <summary>
    /// Switches off what protects the trail (as such a person would first: drops SQLite's triggers, or disables
    /// PostgreSQL's as its superuser), then runs the SQL, written with SQLite's bare names (quoted for PostgreSQL).
    /// </summary>
    public static async Task TamperAsync(TestDatabase db, string sql)
    {
        if (TestDatabases.Postgres)
        {
            await using var ctx = db.NewContext();
            var server = ctx.Database.GetDbConnection();
            await server.OpenAsync();
            await using var tamper = server.CreateCommand();
            tamper.CommandText = "ALTER TABLE \"AuditEntries\" DISABLE TRIGGER USER;\n" + Quoted(sql);
            await tamper.ExecuteNonQueryAsync();
            return;
        }

        await using var connection = new SqliteConnection(db.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER IF EXISTS AuditEntries_NoUpdate; DROP TRIGGER IF EXISTS AuditEntries_NoDelete; " + sql;
        await command.ExecuteNonQueryAsync();
    }

    private static readonly System.Text.RegularExpressions.Regex Names = new(
        @"\b(AuditEntries|Id|At|ActorKind|ActorId|Action|EntityType|EntityId|TicketId|Before|After|Source|PrevHash|Hash)\b");

    /// <summary>The table's and columns' names in double quotes, outside the SQL's string literals.</summary>
    private static string Quoted(string sql)
    {
        var parts = sql.Split('\'');
        for (var i = 0; i < parts.Length; i += 2)
            parts[i] = Names.Replace(parts[i], "\"$1\"");
        return string.Join('\'', parts);
    }
}

using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Core.Persistence;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>
/// Reads <see cref="TicketFactRow"/>s as <see cref="TicketFact"/>s straight from a data reader: dashboards read tens of
/// thousands of them, and this costs a fraction of a general object mapping per row.
/// </summary>
internal static class FactReader
{
    internal const string Columns = """
        "TicketId", "DepartmentId", "TeamId", "AssigneeId", "CategoryId", "TypeId", "Priority", "CreatedAt", "FirstResponseAt",
        "FirstResponseBusinessSeconds", "FirstResponseState", "FirstResponseBreachedAt", "ResolvedAt", "ResolutionBusinessSeconds",
        "ResolutionState", "ResolutionBreachedAt", "Reopens", "EscalationLevel", "Status", "DueAt"
        """;

    /// <summary>The facts matching a condition on the table (parameters named @p0, @p1, … in order).</summary>
    public static async Task<List<TicketFact>> ReadAsync(DeskDbContext db, string where, IReadOnlyList<object> parameters, CancellationToken ct,
        string? index = null)
    {
        var list = new List<TicketFact>();
        await foreach (var f in QueryAsync(db, where, parameters, ct, index))
            list.Add(f);
        return list;
    }

    public static IAsyncEnumerable<TicketFact> ReadAllAsync(DeskDbContext db, CancellationToken ct) => QueryAsync(db, "1 = 1", [], ct, null);

    /// <summary>On SQLite, <paramref name="index"/> names the index to read (its planner would otherwise pick a narrower one and visit the table).</summary>
    private static async IAsyncEnumerable<TicketFact> QueryAsync(DeskDbContext db, string where, IReadOnlyList<object> parameters,
        [EnumeratorCancellation] CancellationToken ct, string? index)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await db.Database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var hint = index is not null && db.Database.IsSqlite() ? $" INDEXED BY \"{index}\"" : "";
        command.CommandText = $"""SELECT {Columns} FROM "TicketFacts"{hint} WHERE {where}""";
        for (var i = 0; i < parameters.Count; i++)
            Add(command, $"@p{i}", parameters[i]);

        await using var r = await command.ExecuteReaderAsync(ct);
        // Row by row without a task each: SQLite hands rows over synchronously, and a dashboard reads tens of thousands.
        while (r.Read())
            yield return Read(r);
    }

    internal static TicketFact Read(DbDataReader r) => new(
        r.GetInt32(0), r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4), r.GetInt32(5),
        (TicketPriority)r.GetInt32(6), Instant(r, 7)!.Value, Instant(r, 8), r.IsDBNull(9) ? null : r.GetInt64(9), State(r, 10), Instant(r, 11),
        Instant(r, 12), r.IsDBNull(13) ? null : r.GetInt64(13), State(r, 14), Instant(r, 15), r.GetInt32(16), r.GetInt32(17),
        Enum.Parse<TicketStatus>(r.GetString(18)), Instant(r, 19));

    private static DateTime? Instant(DbDataReader r, int i) => r.IsDBNull(i) ? null : UnixMillis.FromMillis(r.GetInt64(i));

    private static SlaState? State(DbDataReader r, int i) => r.IsDBNull(i) ? null : Enum.Parse<SlaState>(r.GetString(i));

    /// <summary>Adds a named parameter with its value to a command.</summary>
    public static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        (p.ParameterName, p.Value) = (name, value);
        command.Parameters.Add(p);
    }

    /// <summary>A UTC instant as the table stores it (milliseconds since 1970), for a parameter.</summary>
    public static long Millis(DateTime at) => UnixMillis.ToMillis(at);
}

using System.Data.Common;

namespace Portal.Core.Persistence;

/// <summary>
/// Runs one statement once per row of values (parameters @p0, @p1 … in order), the way the hot paths write many rows:
/// on SQLite through one prepared command (in-process, a row costs microseconds); on PostgreSQL in batches of up to
/// <see cref="BatchRows"/> statements, one round trip each, where a round trip per row would cost far more than the row.
/// Returns how many rows each statement changed, in order.
/// </summary>
internal static partial class RowWriter
{
    public const int BatchRows = 500;

    /// <summary>The placeholders of <paramref name="count"/> values from @p<paramref name="first"/> on: "@p0, @p1, …".</summary>
    public static string Placeholders(int count, int first = 0) =>
        string.Join(", ", Enumerable.Range(first, count).Select(i => $"@p{i}"));

    public static async Task<int[]> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql,
        IEnumerable<object?[]> rows, CancellationToken ct)
    {
        var affected = new List<int>();
        if (connection.CanCreateBatch)
        {
            var pending = new List<object?[]>(BatchRows);
            foreach (var row in rows)
            {
                pending.Add(row);
                if (pending.Count == BatchRows)
                    await RunBatchAsync(connection, transaction, sql, pending, affected, ct);
            }

            if (pending.Count > 0)
                await RunBatchAsync(connection, transaction, sql, pending, affected, ct);
            return [.. affected];
        }

        DbCommand? command = null;
        try
        {
            foreach (var row in rows)
            {
                if (command is null)
                {
                    command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = sql;
                    for (var i = 0; i < row.Length; i++)
                    {
                        var p = command.CreateParameter();
                        p.ParameterName = $"@p{i}";
                        command.Parameters.Add(p);
                    }

                    await command.PrepareAsync(ct);
                }

                for (var i = 0; i < row.Length; i++)
                    command.Parameters[i].Value = row[i] ?? DBNull.Value;
                affected.Add(await command.ExecuteNonQueryAsync(ct));
            }
        }
        finally
        {
            if (command is not null)
                await command.DisposeAsync();
        }

        return [.. affected];
    }

    private static async Task RunBatchAsync(DbConnection connection, DbTransaction? transaction, string sql, List<object?[]> rows,
        List<int> affected, CancellationToken ct)
    {
        // Every statement of the batch gets the same parameter types (a column's first value that is not null decides), so
        // the server prepares the statement once and reuses it for every row (Npgsql's automatic preparation).
        var types = new System.Data.DbType?[rows[0].Length];
        for (var i = 0; i < types.Length; i++)
            types[i] = TypeOf(rows.Select(r => r[i]).FirstOrDefault(v => v is not null));
        // Positional placeholders ($1, $2 …) with unnamed parameters: the driver sends the text as it is, instead of
        // rewriting named placeholders in every statement of the batch.
        var positional = Placeholder().Replace(sql, m => "$" + (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1));
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var row in rows)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = positional;
            for (var i = 0; i < row.Length; i++)
            {
                var p = command.CreateParameter();
                p.Value = row[i] ?? DBNull.Value;
                if (types[i] is { } type)
                    p.DbType = type;
                command.Parameters.Add(p);
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(ct);
        foreach (DbBatchCommand command in batch.BatchCommands)
            affected.Add(command.RecordsAffected);
        rows.Clear();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"@p(\d+)")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    private static System.Data.DbType? TypeOf(object? value) => value switch
    {
        int => System.Data.DbType.Int32,
        long => System.Data.DbType.Int64,
        string => System.Data.DbType.String,
        bool => System.Data.DbType.Boolean,
        DateTime => System.Data.DbType.DateTime,
        decimal => System.Data.DbType.Decimal,
        double => System.Data.DbType.Double,
        _ => null,
    };
}

using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Portal.Core.Persistence;
using Portal.Core.Sla;
using Portal.Core.Tickets;

namespace Portal.Core.Reporting;

/// <summary>
/// Keeps <see cref="TicketFactRow"/> equal to what the tickets, their SLA states and history say: after every save
/// that added or changed a ticket, one of its SLA states or history entries, the facts of those tickets are computed
/// again by one SQL statement on the save's connection and transaction (so they commit with the change; within a
/// transaction once, just before its commit: Persistence.CommitWrites), and the
/// escalation sweep's batch writes do the same for their tickets. The same statement without a filter rebuilds the
/// whole table (<see cref="RebuildAsync"/>), which is what the tests compare the kept facts with.
/// </summary>
internal sealed class FactWriter : SaveChangesInterceptor
{
    // Answer and resolution: the instants the SLA recorded; for a ticket without an SLA (or a target not kept), the
    // first public agent reply and the last move to Resolved or Closed. A ticket is resolved only while its status is
    // Resolved or Closed (a reopened ticket is open again).
    private const string Answered = """
        COALESCE(f."StoppedAt", (SELECT MIN(e."At") FROM "TicketEvents" e WHERE e."TicketId" = t."Id" AND e."Kind" = 'Reply' AND e."ByAgent" AND e."IsPublic"))
        """;

    private const string Resolved = """
        COALESCE(r."StoppedAt",
            (SELECT MAX(e."At") FROM "TicketEvents" e WHERE e."TicketId" = t."Id" AND e."NewStatus" IN ('Resolved', 'Closed')),
            t."UpdatedAt")
        """;

    private static string Select(bool postgres) => $"""
        SELECT t."Id", t."DepartmentId", t."TeamId", t."AssigneeId", t."CategoryId", t."TypeId", t."Priority", t."Status", {Ms(postgres, "t.\"CreatedAt\"")},
            {Ms(postgres, Answered)},
            CASE WHEN f."StoppedAt" IS NULL THEN NULL ELSE f."ElapsedSeconds" END,
            f."State", {Ms(postgres, "f.\"BreachedAt\"")},
            CASE WHEN t."Status" IN ('Resolved', 'Closed') THEN {Ms(postgres, Resolved)} END,
            CASE WHEN t."Status" IN ('Resolved', 'Closed') AND r."StoppedAt" IS NOT NULL THEN r."ElapsedSeconds" END,
            r."State", {Ms(postgres, "r.\"BreachedAt\"")},
            (SELECT COUNT(*) FROM "TicketEvents" e WHERE e."TicketId" = t."Id" AND e."Kind" = 'Reopened'),
            t."EscalationLevel", {Ms(postgres, "t.\"SlaDueAt\"")}
        FROM "Tickets" t
        LEFT JOIN "TicketSlaStates" f ON f."TicketId" = t."Id" AND f."Metric" = 'FirstResponse'
        LEFT JOIN "TicketSlaStates" r ON r."TicketId" = t."Id" AND r."Metric" = 'Resolution'
        """;

    /// <summary>
    /// An instant as whole milliseconds since 1970, as <see cref="TicketFactRow"/> stores it: SQLite keeps instants as
    /// text (its julian day of it), PostgreSQL as a UTC timestamp without zone (its epoch).
    /// </summary>
    private static string Ms(bool postgres, string instant) => postgres
        ? $"CAST(ROUND(EXTRACT(EPOCH FROM {instant.Trim()}) * 1000) AS BIGINT)"
        : $"CAST(ROUND((julianday({instant.Trim()}) - 2440587.5) * 86400000) AS INTEGER)";

    private const string Upsert = """
        INSERT INTO "TicketFacts" ("TicketId", "DepartmentId", "TeamId", "AssigneeId", "CategoryId", "TypeId", "Priority", "Status", "CreatedAt",
            "FirstResponseAt", "FirstResponseBusinessSeconds", "FirstResponseState", "FirstResponseBreachedAt",
            "ResolvedAt", "ResolutionBusinessSeconds", "ResolutionState", "ResolutionBreachedAt", "Reopens", "EscalationLevel", "DueAt")
        """;

    private const string OnConflict = """
        ON CONFLICT ("TicketId") DO UPDATE SET "DepartmentId" = excluded."DepartmentId", "TeamId" = excluded."TeamId",
            "AssigneeId" = excluded."AssigneeId", "CategoryId" = excluded."CategoryId", "TypeId" = excluded."TypeId",
            "Priority" = excluded."Priority", "Status" = excluded."Status", "CreatedAt" = excluded."CreatedAt",
            "FirstResponseAt" = excluded."FirstResponseAt", "FirstResponseBusinessSeconds" = excluded."FirstResponseBusinessSeconds",
            "FirstResponseState" = excluded."FirstResponseState", "FirstResponseBreachedAt" = excluded."FirstResponseBreachedAt",
            "ResolvedAt" = excluded."ResolvedAt", "ResolutionBusinessSeconds" = excluded."ResolutionBusinessSeconds",
            "ResolutionState" = excluded."ResolutionState", "ResolutionBreachedAt" = excluded."ResolutionBreachedAt",
            "Reopens" = excluded."Reopens", "EscalationLevel" = excluded."EscalationLevel", "DueAt" = excluded."DueAt"
        """;

    /// <summary>Computes the facts of the given tickets again, on the context's connection and current transaction.</summary>
    public static async Task RefreshAsync(DeskDbContext db, IReadOnlyCollection<int> ticketIds, CancellationToken ct)
    {
        if (ticketIds.Count == 0)
            return;
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
            await db.Database.OpenConnectionAsync(ct);
        var fresh = db.TicketsWithoutFacts;
        foreach (var chunk in ticketIds.Distinct().Chunk(500))
        {
            // PostgreSQL gets the ids as one array parameter, so the statement's text is the same each time and it is
            // planned once per connection (prepared); SQLite, in the process, reads them inline.
            var postgres = db.Database.IsPostgres();
            var ids = postgres ? "ANY(@ids)" : $"({string.Join(", ", chunk)})";
            object[] parameters = postgres ? [chunk] : [];
            // A ticket first written in this unit of work has no facts yet, so there is nothing to read before.
            var before = chunk.All(fresh.Contains) ? []
                : await FactReader.ReadAsync(db, postgres ? "\"TicketId\" = ANY(@p0)" : $"\"TicketId\" IN {ids}", parameters, ct);
            var after = new List<TicketFact>(chunk.Length);
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
                command.CommandText = $"{Upsert}\n{Select(postgres)}\nWHERE t.\"Id\" {(postgres ? "= " : "IN ")}{ids}\n{OnConflict}\nRETURNING {FactReader.Columns}";
                if (postgres)
                    FactReader.Add(command, "@ids", chunk);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                    after.Add(FactReader.Read(reader));
            }

            await DailyRollups.ApplyAsync(db, before, after, ct);
        }

        db.NewTickets.Clear();
    }

    /// <summary>Every ticket's facts, and the daily rollups, computed from scratch (after an upgrade, or to check the kept ones).</summary>
    public static async Task RebuildAsync(DeskDbContext db, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("""DELETE FROM "TicketFacts" """, ct);
        await db.Database.ExecuteSqlRawAsync(FillSql(db.Database.IsPostgres()), ct);
        await DailyRollups.RebuildAsync(db, ct);
    }

    /// <summary>Fills the table from every ticket.</summary>
    private static string FillSql(bool postgres) => $"{Upsert}\n{Select(postgres)}\nWHERE 1 = 1\n{OnConflict}";

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        WriteAsync(eventData.Context, CancellationToken.None).GetAwaiter().GetResult();
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        await WriteAsync(eventData.Context, cancellationToken);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => (eventData.Context as DeskDbContext)?.FactTickets.Clear();

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        (eventData.Context as DeskDbContext)?.FactTickets.Clear();
        return Task.CompletedTask;
    }

    /// <summary>A save outside a transaction refreshes its tickets' facts at once; within one they wait for its commit.</summary>
    private static async Task WriteAsync(DbContext? context, CancellationToken ct)
    {
        if (context is not DeskDbContext db || db.Database.CurrentTransaction is not null)
            return;
        await FlushAsync(db, ct);
    }

    /// <summary>Refreshes the facts of the tickets the unit of work changed (Persistence.CommitWrites calls it before a commit).</summary>
    internal static async Task FlushAsync(DeskDbContext db, CancellationToken ct)
    {
        if (db.FactTickets.Count > 0)
            await RefreshAsync(db, TakeIds(db), ct);
    }

    /// <summary>The ids of the tickets whose facts the unit of work changed (known once their rows are saved).</summary>
    internal static List<int> TakeIds(DeskDbContext db)
    {
        var ids = db.FactTickets.Select(o => o switch
        {
            Ticket t => t.Id,
            TicketEvent e => e.TicketId,
            TicketSlaState s => s.TicketId,
            _ => 0,
        }).Where(id => id > 0).Distinct().ToList();
        db.FactTickets.Clear();
        return ids;
    }

    /// <summary>Whether a tracked record's change can change a ticket's facts.</summary>
    internal static bool Feeds(object entity) => entity is Ticket or TicketEvent or TicketSlaState;
}

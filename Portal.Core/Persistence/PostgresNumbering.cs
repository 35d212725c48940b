using Microsoft.EntityFrameworkCore;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using Portal.Core.Tickets;

namespace Portal.Core.Persistence;

/// <summary>
/// Ticket numbers on PostgreSQL: a row trigger gives each new ticket its department's next number and key as it is
/// inserted (unless the insert names them, as imports and the demo do). The department's row is updated by that
/// trigger, so it stays locked from the insert to the commit: concurrent filings take their numbers in turn, gapless,
/// and no round trip to read the number comes before the insert. SQLite, with one writer at a time, counts in the app
/// (Handling.TicketFiling).
/// </summary>
internal static class PostgresNumbering
{
    /// <summary>The number and key come back from the insert (EF sends neither while they hold 0 and the empty key).</summary>
    public static void Configure(ModelBuilder builder) => builder.Entity<Ticket>(b =>
    {
        // Given by the trigger, not an identity column of its own.
        b.Property(t => t.Number).ValueGeneratedOnAdd().HasSentinel(0).Metadata.SetValueGenerationStrategy(NpgsqlValueGenerationStrategy.None);
        b.Property(t => t.Key).ValueGeneratedOnAdd().HasSentinel("");
    });

    public const string CreateTrigger = """
        CREATE FUNCTION desk_ticket_number() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            code text;
        BEGIN
            IF NEW."Number" IS NULL OR NEW."Number" = 0 THEN
                -- Filings of a department queue on its lock and are let in one at a time (a row lock would wake every
                -- waiter at each commit to race for the row again).
                PERFORM pg_advisory_xact_lock(1416195406, NEW."DepartmentId");
                UPDATE "Departments" SET "NextTicketNumber" = "NextTicketNumber" + 1 WHERE "Id" = NEW."DepartmentId"
                    RETURNING "NextTicketNumber" - 1, "Code" INTO NEW."Number", code;
                NEW."Key" := code || '-' || NEW."Number";
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER "Tickets_Number" BEFORE INSERT ON "Tickets" FOR EACH ROW EXECUTE FUNCTION desk_ticket_number();
        """;

    public const string DropTrigger = """
        DROP TRIGGER IF EXISTS "Tickets_Number" ON "Tickets";
        DROP FUNCTION IF EXISTS desk_ticket_number();
        """;
}

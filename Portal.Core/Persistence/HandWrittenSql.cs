using Microsoft.EntityFrameworkCore.Migrations;

namespace Portal.Core.Persistence;

/// <summary>
/// What the model cannot say and each provider's initial migration adds by hand: the assets' full-text index on SQLite
/// and the audit trail's append-only guards on both. Kept here, not inside the generated migration, so the schema's
/// hand-written part reads in one place.
/// </summary>
internal static class HandWrittenSql
{
    public static void SqliteUp(MigrationBuilder m)
    {
        // The search box's index: a trigram full-text table over Assets.SearchText, kept by triggers, so "any part of
        // the text" is found without reading every asset (see AssetService.Search).
        m.Sql("CREATE VIRTUAL TABLE AssetSearch USING fts5(text, tokenize = 'trigram');");
        m.Sql("""
            CREATE TRIGGER Assets_Search_Insert AFTER INSERT ON Assets
            BEGIN INSERT INTO AssetSearch (rowid, text) VALUES (new.Id, new.SearchText); END;
            """);
        m.Sql("""
            CREATE TRIGGER Assets_Search_Update AFTER UPDATE OF SearchText ON Assets
            BEGIN UPDATE AssetSearch SET text = new.SearchText WHERE rowid = new.Id; END;
            """);
        m.Sql("""
            CREATE TRIGGER Assets_Search_Delete AFTER DELETE ON Assets
            BEGIN DELETE FROM AssetSearch WHERE rowid = old.Id; END;
            """);

        // The audit trail is append-only: the database itself refuses to change or remove an entry.
        m.Sql("""
            CREATE TRIGGER AuditEntries_NoUpdate BEFORE UPDATE ON AuditEntries
            BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END;
            """);
        m.Sql("""
            CREATE TRIGGER AuditEntries_NoDelete BEFORE DELETE ON AuditEntries
            BEGIN SELECT RAISE(ABORT, 'audit entries cannot be removed'); END;
            """);
    }

    public static void SqliteDown(MigrationBuilder m)
    {
        m.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoUpdate;");
        m.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoDelete;");
        m.Sql("DROP TRIGGER IF EXISTS Assets_Search_Insert;");
        m.Sql("DROP TRIGGER IF EXISTS Assets_Search_Update;");
        m.Sql("DROP TRIGGER IF EXISTS Assets_Search_Delete;");
        m.Sql("DROP TABLE IF EXISTS AssetSearch;");
    }

    public static void PostgresUp(MigrationBuilder m)
    {
        // The audit trail is append-only: the database itself refuses to change, remove or truncate an entry.
        m.Sql("""
            CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
                    RAISE EXCEPTION 'audit entries cannot be removed';
                END IF;
                RAISE EXCEPTION 'audit entries cannot be changed';
            END $$;
            """);
        m.Sql("""
            CREATE TRIGGER "AuditEntries_NoUpdate" BEFORE UPDATE ON "AuditEntries"
                FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
            """);
        m.Sql("""
            CREATE TRIGGER "AuditEntries_NoDelete" BEFORE DELETE ON "AuditEntries"
                FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
            """);
        m.Sql("""
            CREATE TRIGGER "AuditEntries_NoTruncate" BEFORE TRUNCATE ON "AuditEntries"
                FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
            """);
    }

    public static void PostgresDown(MigrationBuilder m)
    {
        m.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_NoUpdate" ON "AuditEntries";""");
        m.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_NoDelete" ON "AuditEntries";""");
        m.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_NoTruncate" ON "AuditEntries";""");
        m.Sql("DROP FUNCTION IF EXISTS audit_entries_append_only();");
    }
}

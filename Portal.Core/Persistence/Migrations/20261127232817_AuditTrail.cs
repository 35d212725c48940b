using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ActorKind = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    EntityType = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    EntityId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TicketId = table.Column<int>(type: "INTEGER", nullable: true),
                    Before = table.Column<string>(type: "TEXT", nullable: true),
                    After = table.Column<string>(type: "TEXT", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PrevHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action_Id",
                table: "AuditEntries",
                columns: new[] { "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ActorId_Id",
                table: "AuditEntries",
                columns: new[] { "ActorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_TicketId_Id",
                table: "AuditEntries",
                columns: new[] { "TicketId", "Id" });

            // The audit trail is append-only: the database itself refuses to change or remove an entry.
            if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
            {
                migrationBuilder.Sql("""
                    CREATE TRIGGER AuditEntries_NoUpdate BEFORE UPDATE ON AuditEntries
                    BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END;
                    """);
                migrationBuilder.Sql("""
                    CREATE TRIGGER AuditEntries_NoDelete BEFORE DELETE ON AuditEntries
                    BEGIN SELECT RAISE(ABORT, 'audit entries cannot be removed'); END;
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
            {
                migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoUpdate;");
                migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoDelete;");
            }

            migrationBuilder.DropTable(
                name: "AuditEntries");
        }
    }
}

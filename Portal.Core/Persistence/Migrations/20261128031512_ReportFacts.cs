using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReportFacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TicketFacts",
                columns: table => new
                {
                    TicketId = table.Column<int>(type: "INTEGER", nullable: false),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    TeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    AssigneeId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    CategoryId = table.Column<int>(type: "INTEGER", nullable: false),
                    TypeId = table.Column<int>(type: "INTEGER", nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FirstResponseAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FirstResponseBusinessSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstResponseState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    FirstResponseBreachedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ResolutionBusinessSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolutionState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ResolutionBreachedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Reopens = table.Column<int>(type: "INTEGER", nullable: false),
                    EscalationLevel = table.Column<int>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketFacts", x => x.TicketId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TicketFacts_DepartmentId_AssigneeId",
                table: "TicketFacts",
                columns: new[] { "DepartmentId", "AssigneeId" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketFacts_DepartmentId_CreatedAt",
                table: "TicketFacts",
                columns: new[] { "DepartmentId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketFacts_DepartmentId_ResolvedAt",
                table: "TicketFacts",
                columns: new[] { "DepartmentId", "ResolvedAt" });

            // The existing tickets' facts, computed once from their rows, SLA states and history.
            migrationBuilder.Sql(Portal.Core.Reporting.FactWriter.FillSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TicketFacts");
        }
    }
}

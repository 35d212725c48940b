using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Reporting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DailyRollups",
                columns: table => new
                {
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Dimension = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false),
                    Resolved = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolvedReopened = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponseMet = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponseMissed = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionMet = table.Column<int>(type: "INTEGER", nullable: false),
                    ResolutionMissed = table.Column<int>(type: "INTEGER", nullable: false),
                    Breaches = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DailyRollups", x => new { x.DepartmentId, x.Dimension, x.Day, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "Dashboards",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SharedWithDepartmentId = table.Column<int>(type: "INTEGER", nullable: true),
                    Widgets = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Dashboards", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ScheduledReports",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OwnerId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Measure = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    By = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Trend = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: true),
                    Priority = table.Column<int>(type: "INTEGER", nullable: true),
                    TypeId = table.Column<int>(type: "INTEGER", nullable: true),
                    Mine = table.Column<bool>(type: "INTEGER", nullable: false),
                    Business = table.Column<bool>(type: "INTEGER", nullable: false),
                    Frequency = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Recipients = table.Column<string>(type: "TEXT", nullable: false),
                    NextRunAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastRunAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScheduledReports", x => x.Id);
                });

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
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstResponseAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstResponseBusinessSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstResponseState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    FirstResponseBreachedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolutionBusinessSeconds = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolutionState = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ResolutionBreachedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Reopens = table.Column<int>(type: "INTEGER", nullable: false),
                    EscalationLevel = table.Column<int>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TicketFacts", x => x.TicketId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_EscalationFirings_FiredAt",
                table: "EscalationFirings",
                column: "FiredAt");

            migrationBuilder.CreateIndex(
                name: "IX_Dashboards_OwnerId",
                table: "Dashboards",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_Dashboards_SharedWithDepartmentId",
                table: "Dashboards",
                column: "SharedWithDepartmentId");

            migrationBuilder.CreateIndex(
                name: "IX_ScheduledReports_NextRunAt",
                table: "ScheduledReports",
                column: "NextRunAt");

            migrationBuilder.CreateIndex(
                name: "IX_ScheduledReports_OwnerId",
                table: "ScheduledReports",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_TicketFacts_DepartmentId_AssigneeId",
                table: "TicketFacts",
                columns: new[] { "DepartmentId", "AssigneeId" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketFacts_DepartmentId_CreatedAt",
                table: "TicketFacts",
                columns: new[] { "DepartmentId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketFacts_DepartmentId_FirstResponseAt_CreatedAt_FirstResponseBusinessSeconds",
                table: "TicketFacts",
                columns: new[] { "DepartmentId", "FirstResponseAt", "CreatedAt", "FirstResponseBusinessSeconds" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketFacts_DepartmentId_ResolvedAt_CreatedAt_ResolutionBusinessSeconds",
                table: "TicketFacts",
                columns: new[] { "DepartmentId", "ResolvedAt", "CreatedAt", "ResolutionBusinessSeconds" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketFacts_Open",
                table: "TicketFacts",
                columns: new[] { "DepartmentId", "TicketId", "TeamId", "AssigneeId", "CategoryId", "TypeId", "Priority", "CreatedAt", "FirstResponseAt", "FirstResponseBusinessSeconds", "FirstResponseState", "FirstResponseBreachedAt", "ResolvedAt", "ResolutionBusinessSeconds", "ResolutionState", "ResolutionBreachedAt", "Reopens", "EscalationLevel", "Status", "DueAt" },
                filter: "\"ResolvedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DailyRollups");

            migrationBuilder.DropTable(
                name: "Dashboards");

            migrationBuilder.DropTable(
                name: "ScheduledReports");

            migrationBuilder.DropTable(
                name: "TicketFacts");

            migrationBuilder.DropIndex(
                name: "IX_EscalationFirings_FiredAt",
                table: "EscalationFirings");
        }
    }
}

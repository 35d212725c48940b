using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ApprovalTimesAndLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "ByLink",
                table: "TicketApprovers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "StandsInForId",
                table: "TicketApprovers",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "DecidedAutomatically",
                table: "TicketApprovals",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "DueAt",
                table: "TicketApprovals",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "LinkWithoutSignIn",
                table: "TicketApprovals",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "OnTimeout",
                table: "TicketApprovals",
                type: "TEXT",
                maxLength: 12,
                nullable: false,
                defaultValue: "AskManager");

            migrationBuilder.AddColumn<int>(
                name: "RemindAfterHours",
                table: "TicketApprovals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RemindAt",
                table: "TicketApprovals",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RemindedAt",
                table: "TicketApprovals",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TimeLimitHours",
                table: "TicketApprovals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "TimedOutAt",
                table: "TicketApprovals",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "LinkWithoutSignIn",
                table: "ApprovalSteps",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "OnTimeout",
                table: "ApprovalSteps",
                type: "TEXT",
                maxLength: 12,
                nullable: false,
                defaultValue: "AskManager");

            migrationBuilder.AddColumn<int>(
                name: "RemindAfterHours",
                table: "ApprovalSteps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "TimeLimitHours",
                table: "ApprovalSteps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_TicketApprovals_State_DueAt",
                table: "TicketApprovals",
                columns: new[] { "State", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TicketApprovals_State_RemindAt",
                table: "TicketApprovals",
                columns: new[] { "State", "RemindAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TicketApprovals_State_DueAt",
                table: "TicketApprovals");

            migrationBuilder.DropIndex(
                name: "IX_TicketApprovals_State_RemindAt",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "ByLink",
                table: "TicketApprovers");

            migrationBuilder.DropColumn(
                name: "StandsInForId",
                table: "TicketApprovers");

            migrationBuilder.DropColumn(
                name: "DecidedAutomatically",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "DueAt",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "LinkWithoutSignIn",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "OnTimeout",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "RemindAfterHours",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "RemindAt",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "RemindedAt",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "TimeLimitHours",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "TimedOutAt",
                table: "TicketApprovals");

            migrationBuilder.DropColumn(
                name: "LinkWithoutSignIn",
                table: "ApprovalSteps");

            migrationBuilder.DropColumn(
                name: "OnTimeout",
                table: "ApprovalSteps");

            migrationBuilder.DropColumn(
                name: "RemindAfterHours",
                table: "ApprovalSteps");

            migrationBuilder.DropColumn(
                name: "TimeLimitHours",
                table: "ApprovalSteps");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DueIndexesWithId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_NextEscalationAt",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_SlaNextChangeAt",
                table: "Tickets");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_NextEscalationAt_Id",
                table: "Tickets",
                columns: new[] { "NextEscalationAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_SlaNextChangeAt_Id",
                table: "Tickets",
                columns: new[] { "SlaNextChangeAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_NextEscalationAt_Id",
                table: "Tickets");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_SlaNextChangeAt_Id",
                table: "Tickets");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_NextEscalationAt",
                table: "Tickets",
                column: "NextEscalationAt");

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_SlaNextChangeAt",
                table: "Tickets",
                column: "SlaNextChangeAt");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ApiTokensIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Tickets_UpdatedAt_Id",
                table: "Tickets",
                columns: new[] { "UpdatedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Tickets_UpdatedAt_Id",
                table: "Tickets");
        }
    }
}

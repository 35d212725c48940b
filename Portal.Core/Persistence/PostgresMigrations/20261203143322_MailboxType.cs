using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.PostgresMigrations
{
    /// <inheritdoc />
    public partial class MailboxType : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "TypeId",
                table: "Mailboxes",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Mailboxes_TypeId",
                table: "Mailboxes",
                column: "TypeId");

            migrationBuilder.AddForeignKey(
                name: "FK_Mailboxes_TicketTypes_TypeId",
                table: "Mailboxes",
                column: "TypeId",
                principalTable: "TicketTypes",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Mailboxes_TicketTypes_TypeId",
                table: "Mailboxes");

            migrationBuilder.DropIndex(
                name: "IX_Mailboxes_TypeId",
                table: "Mailboxes");

            migrationBuilder.DropColumn(
                name: "TypeId",
                table: "Mailboxes");
        }
    }
}

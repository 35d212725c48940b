using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class KnowledgeBase : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Articles",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    CategoryId = table.Column<int>(type: "INTEGER", nullable: true),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    SearchText = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    Tags = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Visibility = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    ReviewBy = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PublishedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Revision = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Articles", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Articles_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Articles_Categories_CategoryId",
                        column: x => x.CategoryId,
                        principalTable: "Categories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_Articles_Departments_DepartmentId",
                        column: x => x.DepartmentId,
                        principalTable: "Departments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CannedResponses",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: true),
                    TeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: false),
                    SetStatus = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    SetPriority = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    AssignToMe = table.Column<bool>(type: "INTEGER", nullable: false),
                    SetTeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    AsNote = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CannedResponses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CannedResponses_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CannedResponses_Departments_DepartmentId",
                        column: x => x.DepartmentId,
                        principalTable: "Departments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CannedResponses_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ArticleRevisions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ArticleId = table.Column<int>(type: "INTEGER", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Body = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    Tags = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Visibility = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    EditorId = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Note = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArticleRevisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ArticleRevisions_Articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "Articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ArticleSignals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ArticleId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: true),
                    TicketId = table.Column<int>(type: "INTEGER", nullable: true),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArticleSignals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ArticleSignals_Articles_ArticleId",
                        column: x => x.ArticleId,
                        principalTable: "Articles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CannedResponseUses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ResponseId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    TicketId = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CannedResponseUses", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CannedResponseUses_CannedResponses_ResponseId",
                        column: x => x.ResponseId,
                        principalTable: "CannedResponses",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ArticleRevisions_ArticleId_Number",
                table: "ArticleRevisions",
                columns: new[] { "ArticleId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Articles_CategoryId",
                table: "Articles",
                column: "CategoryId");

            migrationBuilder.CreateIndex(
                name: "IX_Articles_DepartmentId_State_UpdatedAt",
                table: "Articles",
                columns: new[] { "DepartmentId", "State", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Articles_OwnerId",
                table: "Articles",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_Articles_State_ReviewBy",
                table: "Articles",
                columns: new[] { "State", "ReviewBy" });

            migrationBuilder.CreateIndex(
                name: "IX_ArticleSignals_ArticleId_Kind_At",
                table: "ArticleSignals",
                columns: new[] { "ArticleId", "Kind", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ArticleSignals_Kind_At",
                table: "ArticleSignals",
                columns: new[] { "Kind", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CannedResponses_DepartmentId_IsActive",
                table: "CannedResponses",
                columns: new[] { "DepartmentId", "IsActive" });

            migrationBuilder.CreateIndex(
                name: "IX_CannedResponses_OwnerId",
                table: "CannedResponses",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_CannedResponses_TeamId",
                table: "CannedResponses",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_CannedResponseUses_ResponseId_At",
                table: "CannedResponseUses",
                columns: new[] { "ResponseId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CannedResponseUses_UserId_ResponseId",
                table: "CannedResponseUses",
                columns: new[] { "UserId", "ResponseId" });
            // Full-text search: an FTS5 table (porter stemming, diacritics folded) kept by triggers on Articles, whatever
            // writes them. (A later migration that rebuilds the Articles table must create the triggers again.)
            // Prefix indexes for the last word being typed (two to four letters), and the ranking kept by the table itself.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE ArticleIndex USING fts5(Title, Summary, Tags, Body, tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4');");
            migrationBuilder.Sql("INSERT INTO ArticleIndex(ArticleIndex, rank) VALUES ('rank', 'bm25(10.0, 4.0, 4.0, 1.0)');");
            migrationBuilder.Sql("""
                CREATE TRIGGER ArticleIndex_Insert AFTER INSERT ON "Articles" BEGIN
                    INSERT INTO ArticleIndex(rowid, Title, Summary, Tags, Body) VALUES (new."Id", new."Title", new."Summary", new."Tags", new."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ArticleIndex_Update AFTER UPDATE OF "Title", "Summary", "Tags", "SearchText" ON "Articles" BEGIN
                    DELETE FROM ArticleIndex WHERE rowid = old."Id";
                    INSERT INTO ArticleIndex(rowid, Title, Summary, Tags, Body) VALUES (new."Id", new."Title", new."Summary", new."Tags", new."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ArticleIndex_Delete AFTER DELETE ON "Articles" BEGIN
                    DELETE FROM ArticleIndex WHERE rowid = old."Id";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ArticleIndex_Insert; DROP TRIGGER IF EXISTS ArticleIndex_Update; DROP TRIGGER IF EXISTS ArticleIndex_Delete;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS ArticleIndex;");

            migrationBuilder.DropTable(
                name: "ArticleRevisions");

            migrationBuilder.DropTable(
                name: "ArticleSignals");

            migrationBuilder.DropTable(
                name: "CannedResponseUses");

            migrationBuilder.DropTable(
                name: "Articles");

            migrationBuilder.DropTable(
                name: "CannedResponses");
        }
    }
}

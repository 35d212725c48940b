using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AssetSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Assets_DepartmentId_Status",
                table: "Assets",
                columns: new[] { "DepartmentId", "Status" });

            // The search box's index on SQLite: a trigram full-text table over Assets.SearchText, kept by triggers, so
            // "any part of the text" is found without reading every asset (see AssetService.Search).
            if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
            {
                migrationBuilder.Sql("CREATE VIRTUAL TABLE AssetSearch USING fts5(text, tokenize = 'trigram');");
                migrationBuilder.Sql("INSERT INTO AssetSearch (rowid, text) SELECT Id, SearchText FROM Assets;");
                migrationBuilder.Sql("""
                    CREATE TRIGGER Assets_Search_Insert AFTER INSERT ON Assets
                    BEGIN INSERT INTO AssetSearch (rowid, text) VALUES (new.Id, new.SearchText); END;
                    """);
                migrationBuilder.Sql("""
                    CREATE TRIGGER Assets_Search_Update AFTER UPDATE OF SearchText ON Assets
                    BEGIN UPDATE AssetSearch SET text = new.SearchText WHERE rowid = new.Id; END;
                    """);
                migrationBuilder.Sql("""
                    CREATE TRIGGER Assets_Search_Delete AFTER DELETE ON Assets
                    BEGIN DELETE FROM AssetSearch WHERE rowid = old.Id; END;
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
            {
                migrationBuilder.Sql("DROP TRIGGER IF EXISTS Assets_Search_Insert;");
                migrationBuilder.Sql("DROP TRIGGER IF EXISTS Assets_Search_Update;");
                migrationBuilder.Sql("DROP TRIGGER IF EXISTS Assets_Search_Delete;");
                migrationBuilder.Sql("DROP TABLE IF EXISTS AssetSearch;");
            }

            migrationBuilder.DropIndex(
                name: "IX_Assets_DepartmentId_Status",
                table: "Assets");
        }
    }
}

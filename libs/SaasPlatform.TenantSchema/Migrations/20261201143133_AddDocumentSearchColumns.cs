using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SaasPlatform.TenantSchema.Migrations
{
    /// <summary>
    /// Columns that let the document list filter without per-row work or joins (docs/decisions/document-search.md):
    /// <c>documents.file_size</c>, a copy of the file's size (backfilled here, set on every insert since), and
    /// <c>documents.filename_lower</c>, generated, with the trigram index moved onto it. The order keeps the work to one
    /// pass of each kind: the backfill runs before the generated column is added, whose table rewrite then also drops
    /// the backfill's dead row versions; indexes are built last, once.
    /// </summary>
    public partial class AddDocumentSearchColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Replaced by ix_documents_filename_lower_trgm and ix_documents_file_size: nothing else searches on these.
            migrationBuilder.DropIndex(
                name: "ix_documents_filename_trgm",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_files_file_size",
                table: "files");

            migrationBuilder.AddColumn<long>(
                name: "file_size",
                table: "documents",
                type: "bigint",
                nullable: true);

            migrationBuilder.Sql("UPDATE documents AS d SET file_size = f.file_size FROM files AS f WHERE f.id = d.file_id;");

            migrationBuilder.AlterColumn<long>(
                name: "file_size",
                table: "documents",
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);

            // A code path that forgot the copy fails loudly instead of listing a document as 0 bytes.
            migrationBuilder.AddCheckConstraint(
                name: "ck_documents_file_size_positive",
                table: "documents",
                sql: "file_size > 0");

            migrationBuilder.AddColumn<string>(
                name: "filename_lower",
                table: "documents",
                type: "text",
                nullable: false,
                computedColumnSql: "lower(filename)",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_documents_filename_lower_trgm",
                table: "documents",
                column: "filename_lower")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_documents_mime_type_file_size",
                table: "documents",
                columns: new[] { "mime_type", "file_size" });

            migrationBuilder.CreateIndex(
                name: "ix_documents_file_size",
                table: "documents",
                column: "file_size");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_documents_file_size",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_documents_mime_type_file_size",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_documents_filename_lower_trgm",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "filename_lower",
                table: "documents");

            migrationBuilder.DropCheckConstraint(
                name: "ck_documents_file_size_positive",
                table: "documents");

            migrationBuilder.DropColumn(
                name: "file_size",
                table: "documents");

            migrationBuilder.CreateIndex(
                name: "ix_files_file_size",
                table: "files",
                column: "file_size");

            migrationBuilder.CreateIndex(
                name: "ix_documents_filename_trgm",
                table: "documents",
                column: "filename")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SaasPlatform.TenantSchema.Migrations
{
    /// <summary>
    /// The document list's filters (docs/decisions/document-search.md). pg_trgm is a trusted extension: the database
    /// owner (tenant_provisioner) creates it, in the template and through migrate-tenants.
    /// </summary>
    public partial class AddDocumentSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

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

            migrationBuilder.CreateIndex(
                name: "ix_documents_mime_type_created_at",
                table: "documents",
                columns: new[] { "mime_type", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_files_file_size",
                table: "files");

            migrationBuilder.DropIndex(
                name: "ix_documents_filename_trgm",
                table: "documents");

            migrationBuilder.DropIndex(
                name: "ix_documents_mime_type_created_at",
                table: "documents");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}

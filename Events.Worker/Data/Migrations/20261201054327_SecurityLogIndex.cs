using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Events.Worker.Data.Migrations
{
    /// <inheritdoc />
    public partial class SecurityLogIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_audit_records_security",
                table: "audit_records",
                columns: new[] { "occurred_at", "id" },
                descending: new bool[0],
                filter: "tenant_id IS NULL OR action IN ('member.added', 'member.removed', 'tenant.deleted')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_records_security",
                table: "audit_records");
        }
    }
}

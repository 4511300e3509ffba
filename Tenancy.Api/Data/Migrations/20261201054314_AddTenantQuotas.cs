using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddTenantQuotas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tenant_quotas",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    max_active_tenants = table.Column<int>(type: "integer", nullable: true),
                    max_creations_per_hour = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenant_quotas", x => x.user_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_tenants_created_by_created_at",
                table: "tenants",
                columns: new[] { "created_by", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tenant_quotas");

            migrationBuilder.DropIndex(
                name: "ix_tenants_created_by_created_at",
                table: "tenants");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialTenancySchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tenants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    database_name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    schema_version = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenants", x => x.id);
                    table.CheckConstraint("ck_tenants_status", "status IN ('provisioning','active')");
                });

            migrationBuilder.CreateTable(
                name: "user_tenant_associations",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    joined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_tenant_associations", x => new { x.user_id, x.tenant_id });
                    table.CheckConstraint("valid_role_check", "role IN ('admin','user','viewer')");
                    table.ForeignKey(
                        name: "fk_user_tenant_associations_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_tenants_name_active",
                table: "tenants",
                columns: new[] { "name", "is_active" });

            migrationBuilder.CreateIndex(
                name: "ux_tenants_database_name",
                table: "tenants",
                column: "database_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_user_tenant_associations_role",
                table: "user_tenant_associations",
                column: "role");

            migrationBuilder.CreateIndex(
                name: "ix_user_tenant_associations_tenant_id",
                table: "user_tenant_associations",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_tenant_associations_user_id",
                table: "user_tenant_associations",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_tenant_associations");

            migrationBuilder.DropTable(
                name: "tenants");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Api.Data.Migrations
{
    /// <summary>
    /// Tenant placement (docs/decisions/tenant-placement.md): the registry of database servers and each tenant's server.
    /// Every existing tenant is on <c>main</c>, registered here, so a single-server platform migrates with no change.
    /// </summary>
    public partial class PlaceTenantsOnServers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "server",
                table: "tenants",
                type: "character varying(31)",
                maxLength: 31,
                nullable: false,
                defaultValue: "main");

            migrationBuilder.CreateTable(
                name: "database_servers",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(31)", maxLength: 31, nullable: false),
                    accepting_tenants = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_database_servers", x => x.name);
                });

            migrationBuilder.Sql("INSERT INTO database_servers (name, accepting_tenants, created_at) VALUES ('main', true, now())");

            migrationBuilder.CreateIndex(
                name: "ix_tenants_server",
                table: "tenants",
                column: "server");

            migrationBuilder.AddForeignKey(
                name: "fk_tenants_server",
                table: "tenants",
                column: "server",
                principalTable: "database_servers",
                principalColumn: "name",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_tenants_server",
                table: "tenants");

            migrationBuilder.DropTable(
                name: "database_servers");

            migrationBuilder.DropIndex(
                name: "ix_tenants_server",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "server",
                table: "tenants");
        }
    }
}

using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SaasPlatform.Messaging.Changes;
using Tenancy.Api.Data;

#nullable disable

namespace Tenancy.Api.Data.Migrations
{
    /// <summary>
    /// <c>tenants</c> and memberships announce each committed change on the change channel, which the tenant caches
    /// of every replica follow (docs/decisions/cache-invalidation.md). No model change, hence no snapshot update.
    /// </summary>
    [DbContext(typeof(TenancyDbContext))]
    [Migration("20261201060000_AnnounceTenantChanges")]
    public partial class AnnounceTenantChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ChangeTriggers.CreateFunction);
            migrationBuilder.Sql(ChangeTriggers.Create("tenants", "id"));
            migrationBuilder.Sql(ChangeTriggers.Create("user_tenant_associations", "user_id", "tenant_id"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ChangeTriggers.Drop("user_tenant_associations"));
            migrationBuilder.Sql(ChangeTriggers.Drop("tenants"));
            migrationBuilder.Sql(ChangeTriggers.DropFunction);
        }
    }
}

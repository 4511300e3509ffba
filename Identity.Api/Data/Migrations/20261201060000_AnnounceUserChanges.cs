using Identity.Api.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SaasPlatform.Messaging.Changes;

#nullable disable

namespace Identity.Api.Data.Migrations
{
    /// <summary>
    /// <c>users</c> announces each committed change on the change channel, which the user caches of every replica
    /// follow (docs/decisions/cache-invalidation.md). No model change, hence no snapshot update.
    /// </summary>
    [DbContext(typeof(IdentityDbContext))]
    [Migration("20261201060000_AnnounceUserChanges")]
    public partial class AnnounceUserChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ChangeTriggers.CreateFunction);
            migrationBuilder.Sql(ChangeTriggers.Create("users", "id"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ChangeTriggers.Drop("users"));
            migrationBuilder.Sql(ChangeTriggers.DropFunction);
        }
    }
}

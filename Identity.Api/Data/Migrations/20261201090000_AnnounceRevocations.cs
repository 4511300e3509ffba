using Identity.Api.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using SaasPlatform.Messaging.Changes;

#nullable disable

namespace Identity.Api.Data.Migrations
{
    /// <summary>
    /// <c>revocations</c> announces each committed row on the change channel, so a long poll of the revocation feed
    /// held by any replica answers as soon as a logout commits (docs/decisions/revocation-push.md). No model change,
    /// hence no snapshot update.
    /// </summary>
    [DbContext(typeof(IdentityDbContext))]
    [Migration("20261201090000_AnnounceRevocations")]
    public partial class AnnounceRevocations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ChangeTriggers.CreateFunction);
            migrationBuilder.Sql(ChangeTriggers.Create("revocations", "id"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(ChangeTriggers.Drop("revocations"));
    }
}

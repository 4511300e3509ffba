using System.Text.Json.Serialization;

namespace Tenancy.Api.Features.Internal;

public static class ListTenantMembers
{
    public sealed record TenantMember(
        Guid UserId,
        string Role,
        [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset JoinedAt);

    /// <remarks>
    /// Every member of a tenant with role and join time (a tenant export's <c>members.json</c>); 404 when the tenant
    /// does not exist. Users' details stay in Identity.Api.
    /// </remarks>
    public static async Task<Results<Ok<List<TenantMember>>, NotFound>> HandleAsync(
        Guid tenantId, TenancyDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var members = await db.Memberships.AsNoTracking().Where(m => m.TenantId == tenantId)
            .OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)
            .Select(m => new { m.UserId, m.Role, m.JoinedAt })
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(members.Select(m => new TenantMember(m.UserId, m.Role.ToWire(), m.JoinedAt)).ToList());
    }
}

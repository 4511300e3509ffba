namespace Identity.Api.Features.Internal;

/// <summary>
/// User reads for other services (Tenancy.Api's member lists and checks, the init command). Plain JSON, not
/// enveloped. Internal: the gateway never routes <c>/internal</c>.
/// </summary>
public static class InternalUsers
{
    public const int MaxLookupIds = 1000;

    public sealed record LookupRequest(List<Guid>? Ids);

    public static async Task<Results<Ok<UserResponse>, ApiError>> GetAsync(Guid id, IdentityDbContext db, UserCache users,
        CancellationToken cancellationToken)
    {
        var user = await users.GetAsync(db, id, cancellationToken);
        return user is null ? ApiError.NotFound("User not found") : TypedResults.Ok(user);
    }

    public static async Task<Results<Ok<UserResponse>, ApiError>> GetByEmailAsync(string? email, IdentityDbContext db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return ApiError.Validation("email", "Missing data for required field.");
        }

        var normalized = email.Trim().ToLowerInvariant();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email.ToLower() == normalized, cancellationToken);
        return user is null ? ApiError.NotFound("User not found") : TypedResults.Ok(user.ToResponse());
    }

    /// <summary>The users among <c>ids</c> that exist, in no particular order; unknown ids are left out.</summary>
    public static async Task<Results<Ok<List<UserResponse>>, ApiError>> LookupAsync(
        LookupRequest request, IdentityDbContext db, UserCache users, CancellationToken cancellationToken)
    {
        if (request.Ids is null)
        {
            return ApiError.Validation("ids", "Missing data for required field.");
        }

        if (request.Ids.Count > MaxLookupIds)
        {
            return ApiError.Validation("ids", $"At most {MaxLookupIds} ids per request.");
        }

        var ids = request.Ids.Distinct().ToArray();
        return TypedResults.Ok(await users.LookupAsync(db, ids, cancellationToken));
    }

    /// <summary>
    /// Deactivates a user (there is no public API for it). The database trigger on <c>users.is_active</c> writes the
    /// "user" revocation, exactly as for a deactivation done in SQL.
    /// </summary>
    public static async Task<Results<NoContent, ApiError>> DeactivateAsync(
        Guid id, IdentityDbContext db, ChangeFeed changes, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.UtcNowForDatabase();
        var updated = await db.Users
            .Where(u => u.Id == id)
            .ExecuteUpdateAsync(set => set
                .SetProperty(u => u.IsActive, false)
                .SetProperty(u => u.UpdatedAt, u => u.IsActive ? now : u.UpdatedAt), cancellationToken);
        changes.Publish(UserCache.Payload(id)); // ExecuteUpdate bypasses the change tracker: this replica hears it now
        return updated == 0 ? ApiError.NotFound("User not found") : TypedResults.NoContent();
    }
}

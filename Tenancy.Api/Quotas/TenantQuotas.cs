namespace Tenancy.Api.Quotas;

/// <summary>
/// Whether a user may create another tenant: fewer active tenants created by them than their limit (else 403
/// <c>forbidden</c>: on this endpoint only a quota refuses) and fewer creations in the last hour than their rate (else 429 with Retry-After).
/// Counted from <c>tenants</c> itself, so the answer is the same on every replica and after restarts. The caller
/// serialises one user's creations (<see cref="Provisioning.TenantProvisioner"/>), so two racing requests cannot both
/// take the last place.
/// </summary>
public sealed class TenantQuotas(TenancyDbContext db, IOptions<TenantQuotaOptions> options, TimeProvider time)
{
    public static readonly TimeSpan RateWindow = TimeSpan.FromHours(1);

    public sealed record Limits(int MaxActiveTenants, int MaxCreationsPerHour);

    /// <summary>The user's limits: the operator's override where set, else the defaults.</summary>
    public async Task<Limits> LimitsOfAsync(Guid userId, CancellationToken cancellationToken)
    {
        var custom = await db.TenantQuotas.AsNoTracking().FirstOrDefaultAsync(q => q.UserId == userId, cancellationToken);
        var defaults = options.Value;
        return new Limits(
            custom?.MaxActiveTenants ?? defaults.MaxActiveTenantsPerUser,
            custom?.MaxCreationsPerHour ?? defaults.MaxCreationsPerHour);
    }

    /// <summary>Throws <see cref="ApiException"/> (403 or 429) when the user may not create a tenant now.</summary>
    public async Task EnsureMayCreateAsync(Guid userId, CancellationToken cancellationToken)
    {
        var limits = await LimitsOfAsync(userId, cancellationToken);
        var active = await db.Tenants.CountAsync(t => t.CreatedBy == userId && t.IsActive, cancellationToken);
        if (active >= limits.MaxActiveTenants)
        {
            throw new ApiException(new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                $"Tenant limit reached: you may have at most {limits.MaxActiveTenants} active tenants. "
                + "Delete a tenant you no longer need, or ask an operator to raise your limit."));
        }

        var since = time.GetUtcNow() - RateWindow;
        var recent = await db.Tenants.Where(t => t.CreatedBy == userId && t.CreatedAt > since)
            .OrderBy(t => t.CreatedAt).Select(t => t.CreatedAt).ToListAsync(cancellationToken);
        if (recent.Count >= limits.MaxCreationsPerHour)
        {
            // The place frees up when the oldest creation that counts leaves the window.
            var freedAt = recent[recent.Count - limits.MaxCreationsPerHour] + RateWindow;
            var wait = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((freedAt - time.GetUtcNow()).TotalSeconds)));
            throw new ApiException(new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"Too many tenants created: at most {limits.MaxCreationsPerHour} per hour. Retry in {wait.TotalSeconds:0} seconds.")
            {
                RetryAfter = wait,
            });
        }
    }
}

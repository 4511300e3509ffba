namespace Tenancy.Api.Commands;

/// <summary>
/// <c>init</c>: makes sure an admin user and a test tenant exist, from <c>ADMIN_EMAIL</c>, <c>ADMIN_PASSWORD</c>,
/// <c>TEST_TENANT_NAME</c> (default "Test Tenant"), <c>ADMIN_FIRST_NAME</c>/<c>ADMIN_LAST_NAME</c> (default
/// Admin/User). Never prompts; idempotent: an existing user (by email) and an existing active tenant of that name in
/// which the admin is a member are reused. The user goes through Identity.Api's registration, so its rules apply.
/// </summary>
public sealed class InitCommand(
    IConfiguration configuration,
    IdentityUsers users,
    TenancyDbContext db,
    TenantTemplate template,
    TenantProvisioner provisioner,
    ILogger<InitCommand> logger)
{
    public const string Name = "init";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var email = configuration["ADMIN_EMAIL"]?.Trim().ToLowerInvariant();
        var password = configuration["ADMIN_PASSWORD"];
        if (string.IsNullOrEmpty(email) || string.IsNullOrEmpty(password))
        {
            logger.LogError("init needs ADMIN_EMAIL and ADMIN_PASSWORD");
            return 1;
        }

        var tenantName = (configuration["TEST_TENANT_NAME"] is { Length: > 0 } configured ? configured : "Test Tenant").Trim();
        var admin = await EnsureAdminAsync(email, password, cancellationToken);
        if (admin is null)
        {
            return 1;
        }

        // Same start-up steps as the service, so init works even before the service ever ran.
        await db.Database.MigrateAsync(cancellationToken);
        await template.EnsureCurrentAsync(cancellationToken);

        var existing = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == admin.Id && m.Tenant!.Name == tenantName && m.Tenant.IsActive && m.Tenant.Status == TenantStatus.Active)
            .Select(m => m.Tenant!)
            .FirstOrDefaultAsync(cancellationToken);
        if (existing is not null)
        {
            logger.LogInformation("Test tenant {TenantName} exists: {TenantId} ({Database})", existing.Name, existing.Id, existing.DatabaseName);
            return 0;
        }

        var tenant = await provisioner.CreateAsync(tenantName, admin.Id);
        logger.LogInformation("Created test tenant {TenantName}: {TenantId} ({Database}) with {Email} as admin",
            tenant.Name, tenant.Id, tenant.DatabaseName, email);
        return 0;
    }

    private async Task<UserResponse?> EnsureAdminAsync(string email, string password, CancellationToken cancellationToken)
    {
        // Identity.Api may still be starting (the AppHost runs init beside it): retry for a while.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var user = await users.FindByEmailAsync(email, cancellationToken);
                if (user is not null)
                {
                    logger.LogInformation("Admin user {Email} exists: {UserId}", email, user.Id);
                    return user;
                }

                user = await users.RegisterAsync(email, password,
                    configuration["ADMIN_FIRST_NAME"] is { Length: > 0 } first ? first : "Admin",
                    configuration["ADMIN_LAST_NAME"] is { Length: > 0 } last ? last : "User",
                    cancellationToken);
                if (user is not null)
                {
                    logger.LogInformation("Created admin user {Email}: {UserId}", email, user.Id);
                    return user;
                }
            }
            catch (HttpRequestException ex) when (attempt < 30)
            {
                logger.LogInformation("Identity.Api not reachable yet ({Message}); retrying", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                // Registration refused the data (e.g. a password without a digit): nothing to retry.
                logger.LogError("Could not create the admin user: {Message}", ex.Message);
                return null;
            }
        }
    }
}

using Identity.Api.Accounts;
using Identity.Api.Data;
using Identity.Api.Features.AccountEmails;
using Identity.Api.Features.Auth;
using Identity.Api.Features.Internal;
using Identity.Api.Features.Users;
using Identity.Api.Sessions;
using Identity.Api.Tenancy;
using Identity.Api.Tokens;
using SaasPlatform.Messaging.Changes;
using SaasPlatform.Messaging.Database;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;

namespace Microsoft.Extensions.Hosting;

public static class IdentityServices
{
    public static WebApplicationBuilder AddIdentityServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(); // here too, for the handlers' comments (docs/decisions/openapi-xml-comments.md)
        builder.AddNpgsqlDbContext<IdentityDbContext>("identitydb");
        // Before anything that reads it, and before the HTTP server: /health cannot be healthy on an old schema.
        builder.AddStartupMigration<IdentityDbContext>("identitydb");
        // Audit events (registration, logins, logouts, refresh-token reuse) commit with their change; the relay publishes
        // them whenever Kafka is reachable, so Identity neither waits for Kafka at start nor fails when it is down.
        builder.AddOutboxRelay<IdentityDbContext>();
        // Users are served from memory until their row changes (docs/decisions/cache-invalidation.md).
        builder.AddChangeFeed<IdentityDbContext>("identitydb", entry => entry.Entity is User user ? UserCache.Payload(user.Id) : null);
        builder.Services.AddSingleton<UserCache>();

        builder.Services.Configure<IdentitySettings>(builder.Configuration.GetSection(IdentitySettings.SectionName));

        // Tokens: signed with the configured key, validated here by the same shared code every service uses, with this
        // service's own key and its own database as the revocation source.
        builder.Services.AddSingleton(sp => TokenSigningKeys.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<ISigningKeySource>(sp => sp.GetRequiredService<TokenSigningKeys>());
        builder.Services.AddSingleton<IRevocationFeed, DbRevocationFeed>();
        builder.AddTokenValidation();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<RefreshTokenReader>();
        builder.Services.AddScoped<RevocationWriter>();
        builder.Services.AddScoped<SessionService>();
        builder.Services.AddHostedService<ExpiredRowsCleanup>();

        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddSingleton<AuthRateLimiter>();
        builder.Services.AddScoped<LoginLockout>();
        builder.AddAccountEmails(); // password reset, verification, change of address (Features/AccountEmails)
        builder.Services.AddHttpClient<TenancyClient>(http => http.BaseAddress = PlatformServices.Address(PlatformServices.TenancyApi)).AddInternalApiKey();

        // The client address (rate limits, lockout) is the gateway's X-Forwarded-For, believed only from the gateway's
        // addresses (ForwardedHeaders:KnownNetworks / KnownProxies; loopback in Development): docs/decisions/forwarded-headers.md.
        builder.AddTrustedProxies();
        return builder;
    }

    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app) =>
        app.MapAuthEndpoints().MapUserEndpoints().MapAccountEmailEndpoints().MapInternalEndpoints();
}

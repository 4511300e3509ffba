using SaasPlatform.AppHost.Infrastructure;

var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL, Kafka, S3 storage and Vault: containers where a container runtime is healthy,
// otherwise local stand-ins that speak the same protocols (see Infrastructure/).
var infra = builder.AddPlatformInfrastructure();

var identityDb = infra.AddDatabase("identitydb");
var tenancyDb = infra.AddDatabase("tenancydb");
var eventsDb = infra.AddDatabase("eventsdb");
var jwtSigningKey = builder.AddJwtSigningKey();
var internalApiKey = builder.AddInternalApiKey();   // service-to-service calls; the gateway never gets it

// Each service below runs --Platform:Replicas=N times (default 1) behind its endpoint's proxy (Infrastructure/PlatformReplicas.cs).

var identity = builder.AddProject<Projects.Identity_Api>("identity-api")
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithHttpHealthCheck("/health")   // healthy = identitydb migrated, revocations loaded (not merely "process started")
    .WithVaultSecrets()
    .WithEnvironment("InternalApi__Key", internalApiKey)
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WithReference(identityDb).WaitFor(identityDb)
    .WithReference(infra.Kafka);   // audit events go through identitydb's outbox: the relay retries, no need to wait

var tenancy = builder.AddProject<Projects.Tenancy_Api>("tenancy-api")
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithHttpHealthCheck("/health")   // healthy = tenancydb and the tenant template migrated
    .WithVaultSecrets()
    .WithEnvironment("InternalApi__Key", internalApiKey)
    .WithReference(tenancyDb).WaitFor(tenancyDb)
    .WithReference(infra.Postgres)               // tenant databases are created on this server
    .WithReference(infra.Kafka).WaitFor(infra.Kafka)
    .WithReference(identity).WaitFor(identity);

// Login lists the caller's tenants; Tenancy.Api owns them (no WaitFor: the two start side by side).
identity.WithReference(tenancy);

var documents = builder.AddProject<Projects.Documents_Api>("documents-api")
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithVaultSecrets()
    .WithEnvironment("InternalApi__Key", internalApiKey)
    .WithReference(infra.Postgres).WaitFor(infra.Postgres)
    .WithReference(infra.Storage).WaitFor(infra.Storage)
    .WithReference(infra.Kafka).WaitFor(infra.Kafka)
    .WithReference(identity).WaitFor(identity)
    .WithReference(tenancy).WaitFor(tenancy);

var events = builder.AddProject<Projects.Events_Worker>("events-worker")
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithHttpHealthCheck("/health")   // healthy = eventsdb migrated, token keys loaded (not merely "process started")
    .WithVaultSecrets()
    .WithEnvironment("InternalApi__Key", internalApiKey)
    .WithReference(eventsDb).WaitFor(eventsDb)
    .WithReference(infra.Postgres)
    .WithReference(infra.Storage).WaitFor(infra.Storage)
    .WithReference(infra.Kafka).WaitFor(infra.Kafka)
    .WithReference(identity)   // token keys and revocations for the audit endpoint (fetched in the background)
    .WithReference(tenancy).WaitFor(tenancy);

// The only public entry point.
builder.AddProject<Projects.Gateway>("gateway")
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithReference(identity).WaitFor(identity)
    .WithReference(tenancy).WaitFor(tenancy)
    .WithReference(documents).WaitFor(documents)
    .WithReference(events)     // only /api/tenants/{id}/audit; not worth delaying the gateway's start
    .WithExternalHttpEndpoints();

// Development convenience: with ADMIN_EMAIL (and ADMIN_PASSWORD, TEST_TENANT_NAME) configured, Tenancy.Api's `init`
// command creates that admin user and a test tenant once the services are up (idempotent).
if (builder.ExecutionContext.IsRunMode && builder.Configuration["ADMIN_EMAIL"] is { Length: > 0 } adminEmail)
{
    var init = builder.AddProject<Projects.Tenancy_Api>("init")
        .WithArgs("init")
        .WithEnvironment("ADMIN_EMAIL", adminEmail)
        .WithReference(tenancyDb).WithReference(infra.Postgres).WithReference(identity)
        .WithEnvironment("InternalApi__Key", internalApiKey)
        .WaitFor(identity).WaitFor(tenancy)
        .ExcludeFromManifest();
    foreach (var name in new[] { "ADMIN_PASSWORD", "ADMIN_FIRST_NAME", "ADMIN_LAST_NAME", "TEST_TENANT_NAME" })
    {
        if (builder.Configuration[name] is { Length: > 0 } value)
        {
            init.WithEnvironment(name, value);
        }
    }
}

builder.Build().Run();

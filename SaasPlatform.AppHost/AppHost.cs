using SaasPlatform.AppHost.Infrastructure;
using SaasPlatform.ServiceDefaults;

var builder = DistributedApplication.CreateBuilder(args);

// PostgreSQL, Kafka, S3 storage and Vault: containers where a container runtime is healthy,
// otherwise local stand-ins that speak the same protocols (see Infrastructure/).
var infra = builder.AddPlatformInfrastructure();

// Least privilege (docs/decisions/postgres-least-privilege.md): each service logs in as its own role.
var identityDb = infra.AddDatabase(DatabaseRoles.Identity);
var tenancyDb = infra.AddDatabase(DatabaseRoles.Tenancy);
var eventsDb = infra.AddDatabase(DatabaseRoles.Events);
// On every tenant server (--Platform:TenantServers=N, default 1; docs/decisions/tenant-placement.md).
var tenantProvisioner = infra.AddTenantServerLogins(DatabaseRoles.TenantProvisioner);   // CREATEDB, owns tenant databases
var tenantData = infra.AddTenantServerLogins(DatabaseRoles.TenantData);                 // CONNECT + DML on tenant databases
var jwtSigningKey = builder.AddJwtSigningKey();
var internalApiKey = builder.AddInternalApiKey();   // service-to-service calls; the gateway never gets it

// Each service below runs --Platform:Replicas=N times (default 1) behind its endpoint's proxy (Infrastructure/PlatformReplicas.cs).

var identity = builder.AddProject<Projects.Identity_Api>(PlatformServices.IdentityApi)
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithHttpHealthCheck("/health")   // healthy = identitydb migrated, revocations loaded (not merely "process started")
    .WithVaultSecrets()
    .WithEnvironment("InternalApi__Key", internalApiKey)
    .WithEnvironment("Jwt__SigningKey", jwtSigningKey)
    .WithReference(identityDb).WaitFor(identityDb)
    .WithReference(infra.Kafka);   // audit events go through identitydb's outbox: the relay retries, no need to wait

var tenancy = builder.AddProject<Projects.Tenancy_Api>(PlatformServices.TenancyApi)
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithHttpHealthCheck("/health")   // healthy = tenancydb and the tenant template migrated
    .WithVaultSecrets()
    .WithEnvironment("InternalApi__Key", internalApiKey)
    .WithReference(tenancyDb).WaitFor(tenancyDb)
    .WithTenantServers(tenantProvisioner, wait: true)   // creates and migrates tenant databases
    .WithEnvironment("Provisioning__TenantDataRole", infra.DatabasePrefix + DatabaseRoles.TenantData)
    .WithEnvironment("Provisioning__TemplateDatabase", infra.DatabasePrefix + "template_tenant")
    .WithReference(infra.Kafka).WaitFor(infra.Kafka)
    .WithReference(identity).WaitFor(identity);

// Login lists the caller's tenants; Tenancy.Api owns them (no WaitFor: the two start side by side).
identity.WithReference(tenancy);

var documents = builder.AddProject<Projects.Documents_Api>(PlatformServices.DocumentsApi)
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithHttpHealthCheck("/health")   // healthy = storage bucket, Kafka and token keys reachable
    .WithVaultSecrets()
    .WithEnvironment("InternalApi__Key", internalApiKey)
    .WithTenantServers(tenantData, wait: true)
    .WithReference(infra.Storage).WaitFor(infra.Storage)
    .WithReference(infra.Kafka).WaitFor(infra.Kafka)
    .WithReference(identity).WaitFor(identity)
    .WithReference(tenancy).WaitFor(tenancy);

var events = builder.AddProject<Projects.Events_Worker>(PlatformServices.EventsWorker)
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithHttpHealthCheck("/health")   // healthy = eventsdb migrated, token keys loaded (not merely "process started")
    .WithVaultSecrets()
    .WithEnvironment("InternalApi__Key", internalApiKey)
    .WithReference(eventsDb).WaitFor(eventsDb)
    .WithTenantServers(tenantData, wait: false)
    .WithReference(infra.Storage).WaitFor(infra.Storage)
    .WithReference(infra.Kafka).WaitFor(infra.Kafka)
    .WithReference(identity)   // token keys and revocations for the audit endpoint (fetched in the background)
    .WithReference(tenancy).WaitFor(tenancy)
    .WithMail(infra.Mail);   // email.requested: rendered and sent over SMTP (Infrastructure/MailServers.cs)

// The only public entry point.
var gateway = builder.AddProject<Projects.Gateway>(PlatformServices.Gateway)
    .WithServiceOverrides()
    .WithPlatformReplicas()
    .WithHttpHealthCheck("/health")   // the aggregate: healthy only when every service behind it is
    .WithReference(identity).WaitFor(identity)
    .WithReference(tenancy).WaitFor(tenancy)
    .WithReference(documents).WaitFor(documents)
    .WithReference(events)     // only /api/tenants/{id}/audit; not worth delaying the gateway's start
    .WithExternalHttpEndpoints();

// Links in e-mails (password reset, verification, change of e-mail, invitations) start with the public URL: the gateway's, or a deployment's.
identity.WithPublicUrl(gateway);
tenancy.WithPublicUrl(gateway);

// Development convenience: with ADMIN_EMAIL (and ADMIN_PASSWORD, TEST_TENANT_NAME) configured, Tenancy.Api's `init`
// command creates that admin user and a test tenant once the services are up (idempotent).
if (builder.ExecutionContext.IsRunMode && builder.Configuration["ADMIN_EMAIL"] is { Length: > 0 } adminEmail)
{
    var init = builder.AddProject<Projects.Tenancy_Api>("init")
        .WithArgs("init")
        .WithEnvironment("ADMIN_EMAIL", adminEmail)
        .WithReference(tenancyDb).WithTenantServers(tenantProvisioner, wait: false).WithReference(identity)
        .WithEnvironment("Provisioning__TenantDataRole", infra.DatabasePrefix + DatabaseRoles.TenantData)
        .WithEnvironment("Provisioning__TemplateDatabase", infra.DatabasePrefix + "template_tenant")
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

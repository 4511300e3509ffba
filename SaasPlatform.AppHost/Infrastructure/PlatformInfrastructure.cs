namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// The servers the platform depends on, as connection-string resources. Services only ever see connection strings
/// (<c>kafka</c>, <c>storage</c>, their database, the tenant server under their role), so they cannot tell containers
/// from stand-ins. PostgreSQL logins are per role (<see cref="DatabaseRoles"/>); the superuser stays with the AppHost.
/// </summary>
public sealed class PlatformInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> postgres,
    IResourceBuilder<IResourceWithConnectionString> kafka,
    IResourceBuilder<IResourceWithConnectionString> storage,
    Func<string, ReferenceExpression> login,   // role (unprefixed) -> Host, Port, Username, Password
    string databasePrefix,
    IReadOnlyList<AdditionalTenantServer>? tenantServers = null)
{
    /// <summary>The servers beside <see cref="Postgres"/> that hold tenant databases only (<c>--Platform:TenantServers</c>).</summary>
    public IReadOnlyList<AdditionalTenantServer> TenantServers { get; } = tenantServers ?? [];

    /// <summary>The PostgreSQL server under its superuser: the AppHost bootstraps roles with it; no service references it.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Postgres { get; } = postgres;

    /// <summary>Kafka bootstrap servers.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Kafka { get; } = kafka;

    /// <summary>S3-compatible object storage: endpoint, public endpoint, keys and bucket.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Storage { get; } = storage;

    /// <summary>Where e-mail is sent (<see cref="MailServers"/>).</summary>
    public PlatformMail Mail { get; internal set; } = null!;

    /// <summary>Prepended to every database and role name (the local mode's per-run <c>DevServers:DatabasePrefix</c>).</summary>
    public string DatabasePrefix { get; } = databasePrefix;

    /// <summary>The database a role owns, logged in as that role (named after the database: <c>identitydb</c>, ...).</summary>
    public IResourceBuilder<IResourceWithConnectionString> AddDatabase(string role)
    {
        var database = DatabaseRoles.All.Single(r => r.Role == role).Database
            ?? throw new ArgumentException($"{role} owns no database", nameof(role));
        return AddLogin(database, role, database, Postgres, login);
    }

    /// <summary>
    /// The server (no database) under a server-wide role: where tenant databases are created (<see cref="DatabaseRoles.TenantProvisioner"/>)
    /// or used (<see cref="DatabaseRoles.TenantData"/>). Consumers take it as <c>ConnectionStrings:postgres</c>.
    /// </summary>
    public IResourceBuilder<IResourceWithConnectionString> AddServerLogin(string role) =>
        AddLogin("postgres-" + role.Replace('_', '-'), role, database: null, Postgres, login);

    /// <summary>
    /// The server-wide <paramref name="role"/> on every tenant server: main as <c>ConnectionStrings:postgres</c>, each
    /// additional server as <c>ConnectionStrings:tenants-&lt;name&gt;</c> (what SaasPlatform.TenantConnections' TenantServers reads).
    /// </summary>
    public TenantServerLogins AddTenantServerLogins(string role) => new(
        AddServerLogin(role),
        [.. TenantServers.Select(server => (server.Name,
            AddLogin($"{server.Postgres.Resource.Name}-{role.Replace('_', '-')}", role, database: null, server.Postgres, server.Login)))]);

    private IResourceBuilder<IResourceWithConnectionString> AddLogin(
        string name, string role, string? database, IResourceBuilder<IResourceWithConnectionString> server, Func<string, ReferenceExpression> serverLogin)
    {
        var app = server.ApplicationBuilder;
        // A server login names the maintenance database: without one Npgsql would open the database named after the
        // role, which does not exist. Tenant connections replace it with the tenant's database.
        var expression = database is null
            ? ReferenceExpression.Create($"{serverLogin(role)};Database=postgres")
            : ReferenceExpression.Create($"{serverLogin(role)};Database={DatabasePrefix + database}");
        return app.AddConnectionString(name, expression)
            .WithParentRelationship(server)
            .WaitFor(server);
    }
}

/// <summary>A PostgreSQL server for tenant databases beside main: its name, superuser resource and role logins.</summary>
public sealed record AdditionalTenantServer(
    string Name, IResourceBuilder<IResourceWithConnectionString> Postgres, Func<string, ReferenceExpression> Login);

/// <summary>One role's login on every tenant server.</summary>
public sealed record TenantServerLogins(
    IResourceBuilder<IResourceWithConnectionString> Main,
    IReadOnlyList<(string Server, IResourceBuilder<IResourceWithConnectionString> Login)> Additional);

public static class PlatformInfrastructureExtensions
{
    /// <summary>
    /// References the role's login on every tenant server (main as <c>postgres</c>, the others as <c>tenants-&lt;name&gt;</c>),
    /// waiting for them when <paramref name="wait"/>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithTenantServers(this IResourceBuilder<ProjectResource> project, TenantServerLogins logins, bool wait)
    {
        project.WithReference(logins.Main, "postgres");
        if (wait)
        {
            project.WaitFor(logins.Main);
        }

        foreach (var (server, login) in logins.Additional)
        {
            project.WithReference(login, TenantServerSettings.ConnectionStringName(server));
            if (wait)
            {
                project.WaitFor(login);
            }
        }

        return project;
    }

    public const string BucketName = "saas-platform-files";

    /// <summary>
    /// <c>Platform:Infrastructure</c> = <c>containers</c>, <c>local</c> or <c>auto</c> (default): auto takes
    /// containers when publishing or when <c>docker info</c> answers, local stand-ins otherwise.
    /// </summary>
    public static PlatformInfrastructure AddPlatformInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration["Platform:Infrastructure"] ?? "auto";
        var useContainers = mode switch
        {
            "containers" => true,
            "local" => false,
            _ => builder.ExecutionContext.IsPublishMode || ContainerRuntime.IsHealthy(),
        };

        var passwords = new DatabaseRolePasswords(builder);
        var infrastructure = useContainers ? ContainerServers.Add(builder, passwords) : LocalServers.Add(builder, passwords);
        infrastructure.Mail = useContainers
            ? MailServers.AddContainerOrRelay(builder)
            : MailServers.AddLocal(builder, Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..")));
        return infrastructure;
    }

    /// <summary>
    /// The ES256 key Identity.Api signs tokens with (PEM). Set <c>Parameters:jwt-signing-key</c> (user-secrets,
    /// environment, Vault in production). A development run without one gets a key for the life of this AppHost,
    /// so tokens survive service restarts but not an AppHost restart.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddJwtSigningKey(this IDistributedApplicationBuilder builder)
    {
        const string name = "jwt-signing-key";
        if (builder.ExecutionContext.IsRunMode && string.IsNullOrEmpty(builder.Configuration[$"Parameters:{name}"]))
        {
            using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var pem = key.ExportPkcs8PrivateKeyPem();
            return builder.AddParameter(name, () => pem, secret: true);
        }

        return builder.AddParameter(name, secret: true);
    }

    /// <summary>
    /// The key services present on each other's <c>/internal</c> endpoints (<c>InternalApi__Key</c>). Generated when
    /// not set, like the database password; a deployment supplies its own.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddInternalApiKey(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter("internal-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using SaasPlatform.EndToEndTests.Identity;

namespace SaasPlatform.EndToEndTests.Tenancy;

/// <summary>
/// Helpers for the Tenancy end-to-end tests. Users are registered once per run and reused (registration is rate
/// limited per address); every test creates its own tenants, so memberships never leak between tests.
/// </summary>
internal static class TenancyApi
{
    private static readonly SemaphoreSlim UsersLock = new(1, 1);
    private static readonly Dictionary<string, (AuthApi.Session Session, DateTime At)> Users = [];

    /// <summary>A registered, logged-in user for <paramref name="name"/> (admin, member, viewer, outsider, ...).</summary>
    public static async Task<AuthApi.Session> UserAsync(HttpClient gateway, string name)
    {
        await UsersLock.WaitAsync();
        try
        {
            if (Users.TryGetValue(name, out var cached) && DateTime.UtcNow - cached.At < TimeSpan.FromMinutes(10))
            {
                return cached.Session;
            }

            var session = cached.Session is { } known
                ? await AuthApi.LoginSessionAsync(gateway, known.Email)
                : await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail($"tenancy-{name}"));
            Users[name] = (session, DateTime.UtcNow);
            return session;
        }
        finally
        {
            UsersLock.Release();
        }
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? token, object? json = null) =>
        AuthApi.SendAsync(client, method, path, token, json);

    public static Task<HttpResponseMessage> CreateTenantAsync(HttpClient gateway, string token, string name) =>
        SendAsync(gateway, HttpMethod.Post, "/api/tenants", token, new { name });

    /// <summary>Creates a tenant and returns its data (asserting 201).</summary>
    public static async Task<JsonElement> NewTenantAsync(HttpClient gateway, string token, string? name = null)
    {
        using var response = await CreateTenantAsync(gateway, token, name ?? $"Test Company {Guid.NewGuid():N}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create tenant: {(int)response.StatusCode} {body}");
        return body.GetProperty("data");
    }

    public static async Task AddMemberAsync(HttpClient gateway, string adminToken, Guid tenantId, Guid userId, string role)
    {
        using var response = await SendAsync(gateway, HttpMethod.Post, $"/api/tenants/{tenantId}/users", adminToken, new { user_id = userId, role });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static HttpRequestMessage Raw(HttpMethod method, string path, string token, string content, string contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(content, Encoding.UTF8, contentType) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>A connection string for a database on the platform's PostgreSQL server (for checks of internals).</summary>
    /// <remarks><c>tenancydb</c> means this run's tenancy database (each run has its own, see the fixture).</remarks>
    public static async Task<string> DatabaseAsync(PlatformFixture platform, string database)
    {
        if (database == TenancyDb)
        {
            var own = await platform.GetConnectionStringAsync(TenancyDb) ?? throw new InvalidOperationException("no tenancydb");
            return new NpgsqlConnectionStringBuilder(own) { Pooling = false }.ConnectionString;
        }

        var server = await platform.GetConnectionStringAsync("postgres") ?? throw new InvalidOperationException("no postgres");
        return new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = false }.ConnectionString;
    }

    public const string TenancyDb = "tenancydb";

    public static async Task<T?> ScalarAsync<T>(PlatformFixture platform, string database, string sql, params object[] parameters) =>
        await ScalarAsync<T>(await DatabaseAsync(platform, database), sql, parameters);

    /// <summary>One value of <paramref name="sql"/> (parameters <c>@p0</c>, <c>@p1</c>, ...) on <paramref name="connectionString"/>.</summary>
    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i}", parameters[i]);
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public static async Task ExecuteAsync(PlatformFixture platform, string database, string sql)
    {
        await using var connection = new NpgsqlConnection(await DatabaseAsync(platform, database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static Task<bool> DatabaseExistsAsync(PlatformFixture platform, string database) =>
        ScalarAsync<bool>(platform, "postgres", "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @p0)", database);

    /// <summary>Drops test tenants for good (database and rows), so shared runs do not accumulate them.</summary>
    public static async Task PurgeTenantAsync(PlatformFixture platform, Guid tenantId, string databaseName)
    {
        await ExecuteAsync(platform, "postgres", $"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)");
        await using var connection = new NpgsqlConnection(await DatabaseAsync(platform, "tenancydb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("DELETE FROM tenants WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", tenantId);
        await command.ExecuteNonQueryAsync();
    }
}

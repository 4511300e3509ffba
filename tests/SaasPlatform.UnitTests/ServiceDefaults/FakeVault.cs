using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.UnitTests.ServiceDefaults;

/// <summary>
/// A Vault stand-in over real HTTP, serving exactly the endpoints the client calls, with Vault's documented shapes:
/// <c>GET /v1/{mount}/data/{path}</c> (KV v2 read) and <c>POST /v1/auth/approle/login</c>. Errors are
/// <c>{"errors": [...]}</c>: 403 <c>permission denied</c> for a bad token, 404 <c>[]</c> for a missing secret.
/// </summary>
public sealed class FakeVault : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (JsonObject Data, int Version)> _secrets = new();
    private readonly ConcurrentDictionary<string, bool> _tokens = new();
    private int _logins;
    private int _reads;

    private FakeVault(WebApplication app, string mount)
    {
        _app = app;
        Mount = mount;
        app.MapGet("/v1/{mount}/data/{**path}", ReadSecret);
        app.MapPost("/v1/{mount}/data/{**path}", WriteSecretAsync);
        app.MapPost("/v1/auth/approle/login", LoginAsync);
    }

    public string Mount { get; }

    public Uri Address => new(_app.Urls.Single());

    public int Logins => _logins;

    public int Reads => _reads;

    /// <summary>AppRole credentials the login endpoint accepts.</summary>
    public string RoleId { get; set; } = "role-" + Guid.NewGuid().ToString("N");

    public string SecretId { get; set; } = "secret-" + Guid.NewGuid().ToString("N");

    /// <summary>The <c>auth.lease_duration</c> (seconds) of tokens the login issues.</summary>
    public int LeaseDuration { get; set; } = 2764800;

    /// <summary>What a refused login answers: 400 <c>invalid role or secret ID</c> in recent Vault, 403 <c>permission denied</c> in some setups.</summary>
    public HttpStatusCode LoginRefusal { get; set; } = HttpStatusCode.Forbidden;

    /// <summary>Starts on 127.0.0.1 with a free port (or the given one).</summary>
    public static async Task<FakeVault> StartAsync(int port = 0, string mount = "secret")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var vault = new FakeVault(builder.Build(), mount);
        await vault._app.StartAsync();
        return vault;
    }

    /// <summary>A port nothing listens on (yet): bound once by the OS, then released.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A token the fake accepts from now on (a given one stands for e.g. the dev-mode root token).</summary>
    public string IssueToken(string? token = null)
    {
        token ??= "hvs." + Guid.NewGuid().ToString("N");
        _tokens[token] = true;
        return token;
    }

    /// <summary>Every token issued so far stops working (expiry or revocation).</summary>
    public void RevokeAllTokens() => _tokens.Clear();

    /// <summary>Writes a new version of a secret (like <c>vault kv put</c>).</summary>
    public void Put(string path, object data)
    {
        var node = JsonSerializer.SerializeToNode(data)!.AsObject();
        _secrets.AddOrUpdate(path, (node, 1), (_, old) => (node, old.Version + 1));
    }

    /// <summary>What is stored at <paramref name="path"/> (null: nothing).</summary>
    public JsonObject? Get(string path) => _secrets.TryGetValue(path, out var secret) ? secret.Data : null;

    /// <summary>Every path written or put so far.</summary>
    public IReadOnlyCollection<string> Paths => _secrets.Keys.ToList();

    /// <summary>KV v2 write: <c>POST /v1/{mount}/data/{path}</c> with <c>{"data": {...}}</c> (the AppHost's dev-mode seeding).</summary>
    private async Task<IResult> WriteSecretAsync(string mount, string path, HttpContext context)
    {
        if (!context.Request.Headers.TryGetValue("X-Vault-Token", out var token) || !_tokens.ContainsKey(token.ToString()))
        {
            return Errors(HttpStatusCode.Forbidden, "permission denied");
        }

        var body = await JsonNode.ParseAsync(context.Request.Body);
        if (mount != Mount || body?["data"] is not JsonObject data)
        {
            return Errors(HttpStatusCode.BadRequest, "no data provided");
        }

        var stored = (JsonObject)data.DeepClone();
        var version = _secrets.AddOrUpdate(path, (stored, 1), (_, old) => (stored, old.Version + 1)).Version;
        return Results.Json(new { data = new { version } });
    }

    private IResult ReadSecret(string mount, string path, HttpContext context)
    {
        Interlocked.Increment(ref _reads);
        if (!context.Request.Headers.TryGetValue("X-Vault-Token", out var token) || !_tokens.ContainsKey(token.ToString()))
        {
            return Errors(HttpStatusCode.Forbidden, "permission denied");
        }

        if (mount != Mount || !_secrets.TryGetValue(path, out var secret))
        {
            return Errors(HttpStatusCode.NotFound);
        }

        return Results.Json(new JsonObject
        {
            ["request_id"] = Guid.NewGuid().ToString(),
            ["lease_id"] = "",
            ["renewable"] = false,
            ["lease_duration"] = 0,
            ["data"] = new JsonObject
            {
                ["data"] = secret.Data.DeepClone(),
                ["metadata"] = new JsonObject
                {
                    ["created_time"] = DateTimeOffset.UtcNow.ToString("O"),
                    ["custom_metadata"] = null,
                    ["deletion_time"] = "",
                    ["destroyed"] = false,
                    ["version"] = secret.Version,
                },
            },
            ["wrap_info"] = null,
            ["warnings"] = null,
            ["auth"] = null,
        });
    }

    private async Task<IResult> LoginAsync(HttpRequest request)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonObject>(request.Body);
        if (body?["role_id"]?.GetValue<string>() is not { } roleId || body["secret_id"]?.GetValue<string>() is not { } secretId)
        {
            return Errors(HttpStatusCode.BadRequest, "missing role_id");
        }

        if (roleId != RoleId || secretId != SecretId)
        {
            return LoginRefusal == HttpStatusCode.Forbidden
                ? Errors(HttpStatusCode.Forbidden, "permission denied")
                : Errors(LoginRefusal, "invalid role or secret ID");
        }

        Interlocked.Increment(ref _logins);
        return Results.Json(new JsonObject
        {
            ["request_id"] = Guid.NewGuid().ToString(),
            ["lease_id"] = "",
            ["renewable"] = false,
            ["lease_duration"] = 0,
            ["data"] = null,
            ["wrap_info"] = null,
            ["warnings"] = null,
            ["auth"] = new JsonObject
            {
                ["client_token"] = IssueToken(),
                ["accessor"] = Guid.NewGuid().ToString(),
                ["policies"] = new JsonArray("default", "saas-platform"),
                ["token_policies"] = new JsonArray("default", "saas-platform"),
                ["metadata"] = new JsonObject { ["role_name"] = "saas-platform" },
                ["lease_duration"] = LeaseDuration,
                ["renewable"] = true,
                ["entity_id"] = Guid.NewGuid().ToString(),
                ["token_type"] = "service",
                ["orphan"] = true,
            },
        });
    }

    private static IResult Errors(HttpStatusCode status, params string[] errors) =>
        Results.Json(new { errors }, statusCode: (int)status);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

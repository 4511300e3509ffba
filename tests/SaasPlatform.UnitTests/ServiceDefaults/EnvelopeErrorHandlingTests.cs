using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.UnitTests.ServiceDefaults;

/// <summary>Unhandled exceptions through the real pipeline (Kestrel on a free port): what the client receives.</summary>
public sealed class EnvelopeErrorHandlingTests
{
    [Fact]
    public async Task A_timeout_in_a_dependency_is_a_retryable_503_in_the_envelope()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };

        using var response = await client.GetAsync(new Uri("/pool-exhausted", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("service_unavailable", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("/pg-admin-shutdown")]
    [InlineData("/pg-cannot-connect-now")]
    [InlineData("/pg-connection-exception")]
    [InlineData("/pg-broken-connection")]
    [InlineData("/http-refused")]
    [InlineData("/circuit-open")]
    [InlineData("/polly-timeout")]
    [InlineData("/internal-deadline")]
    public async Task A_dependency_that_cannot_answer_is_a_503_with_retry_after_in_the_envelope(string path)
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter?.Delta);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("service_unavailable", body.GetProperty("error").GetString());
        Assert.False(body.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task A_postgres_error_that_is_not_about_availability_stays_a_500()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };

        using var response = await client.PostAsync(new Uri("/pg-raise", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Theory]
    [InlineData(502, HttpStatusCode.ServiceUnavailable, "service_unavailable")]
    [InlineData(503, HttpStatusCode.ServiceUnavailable, "service_unavailable")]
    [InlineData(504, HttpStatusCode.GatewayTimeout, "gateway_timeout")]
    [InlineData(500, HttpStatusCode.InternalServerError, "internal_error")]
    public async Task Bodiless_5xx_answers_are_labelled_by_what_happened(int status, HttpStatusCode expected, string code)
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };

        using var response = await client.GetAsync(new Uri($"/status/{status}", UriKind.Relative));

        Assert.Equal(expected, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(code, body.GetProperty("error").GetString());
        Assert.Equal(status != 500, response.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task An_idempotent_read_is_retried_once_when_its_connection_broke()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };
        var key = Guid.NewGuid().ToString("N");

        // Fails once, then answers: the client sees only the answer.
        using var read = await client.GetAsync(new Uri($"/flaky/{key}/1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(2, Flaky.Calls(key));

        // Fails twice: retried once, then the 503.
        var twice = Guid.NewGuid().ToString("N");
        using var stillDown = await client.GetAsync(new Uri($"/flaky/{twice}/2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stillDown.StatusCode);
        Assert.Equal(2, Flaky.Calls(twice));

        // A write is never repeated by the server.
        var write = Guid.NewGuid().ToString("N");
        using var posted = await client.PostAsync(new Uri($"/flaky/{write}/1", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, posted.StatusCode);
        Assert.Equal(1, Flaky.Calls(write));
    }

    [Fact]
    public async Task Any_other_exception_is_a_500_without_its_text()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };

        using var response = await client.GetAsync(new Uri("/bug", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("internal_error", JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("secret detail", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_real_faults_are_logged_as_errors_and_each_once()
    {
        var logs = new ErrorLogs();
        await using var app = await StartAsync(logs);
        using var client = new HttpClient { BaseAddress = Address(app) };

        using var malformed = await client.PostAsync(new Uri("/echo", UriKind.Relative),
            new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        using var busy = await client.GetAsync(new Uri("/pool-exhausted", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Empty(logs.Errors);

        using var bug = await client.GetAsync(new Uri("/bug", UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, bug.StatusCode);
        var logged = Assert.Single(logs.Errors);
        Assert.Equal("secret detail", logged.Message);
    }

    private static Npgsql.PostgresException Postgres(string sqlState) => new("server says no", "FATAL", "FATAL", sqlState);

    private static async Task<WebApplication> StartAsync(ErrorLogs? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddLogging();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        var app = builder.Build();
        app.UseApiEnvelope();
        // Npgsql reports an exhausted pool as an NpgsqlException wrapping a TimeoutException.
        app.MapGet("/pool-exhausted", () => { throw new InvalidOperationException("pool", new TimeoutException()); });
        app.MapGet("/bug", () => { throw new InvalidOperationException("secret detail"); });
        app.MapPost("/pg-admin-shutdown", () => { throw new InvalidOperationException("wrapped", Postgres("57P01")); });
        app.MapPost("/pg-cannot-connect-now", () => { throw Postgres("57P03"); });
        app.MapPost("/pg-connection-exception", () => { throw Postgres("08006"); });
        app.MapPost("/pg-raise", () => { throw Postgres("P0001"); });
        app.MapPost("/pg-broken-connection", () => { throw new Npgsql.NpgsqlException("Exception while reading from stream", new EndOfStreamException()); });
        app.MapPost("/http-refused", () => { throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException(111)); });
        app.MapPost("/circuit-open", () => { throw new Polly.CircuitBreaker.BrokenCircuitException("open"); });
        app.MapPost("/polly-timeout", () => { throw new Polly.Timeout.TimeoutRejectedException("late"); });
        app.MapPost("/internal-deadline", () => { throw new TaskCanceledException("our own deadline"); });
        app.MapGet("/status/{status:int}", (int status) => Microsoft.AspNetCore.Http.Results.StatusCode(status));
        app.MapMethods("/flaky/{key}/{failures:int}", ["GET", "POST"], (string key, int failures) =>
            Flaky.Call(key) <= failures
                ? throw new Npgsql.NpgsqlException("Exception while reading from stream", new EndOfStreamException())
                : Microsoft.AspNetCore.Http.Results.Ok(new { ok = true }));
        app.MapPost("/echo", (JsonElement body) => body);
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}

/// <summary>Collects the exceptions of error-level log entries.</summary>
internal sealed class ErrorLogs : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _errors = new();

    public IReadOnlyCollection<Exception> Errors => _errors;

    public ILogger CreateLogger(string categoryName) => new Logger(_errors);

    public void Dispose()
    {
    }

    private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<Exception> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                errors.Enqueue(exception ?? new InvalidOperationException(formatter(state, exception)));
            }
        }
    }
}

internal static class Flaky
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> Counts = new();

    public static int Call(string key) => Counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public static int Calls(string key) => Counts.GetValueOrDefault(key);
}

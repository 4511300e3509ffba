using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.UnitTests.Http;

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

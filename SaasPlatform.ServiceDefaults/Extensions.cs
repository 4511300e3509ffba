using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Configuration;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.ServiceDefaults.OpenApi;
using SaasPlatform.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every SaasPlatform service shares: telemetry, health endpoints, service discovery,
/// resilient HttpClients, snake_case JSON and the response envelope for every error.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Activity sources of the platform's own code (Kafka, outbox, tenant provisioning).</summary>
    public const string PlatformActivitySource = "SaasPlatform";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // First, so everything registered below reads the secrets (only when Vault:Address is configured).
        builder.AddVaultConfiguration();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.Configure<JsonOptions>(options => ConfigureJson(options.SerializerOptions));
        builder.Services.AddProblemDetails();
        builder.Services.Configure<InternalApiOptions>(builder.Configuration.GetSection(InternalApiOptions.SectionName));
        // Only a web host has endpoints to describe (operator commands run on a plain host).
        if (builder is WebApplicationBuilder)
        {
            builder.AddPlatformOpenApi();
        }

        return builder;
    }

    /// <summary>The wire format of the public API: snake_case names, as the Flask platform used.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.PropertyNameCaseInsensitive = true;
    }

    public static readonly JsonSerializerOptions WireJson = CreateWireJson();

    private static JsonSerializerOptions CreateWireJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ConfigureJson(options);
        return options;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Errors (with their exceptions) go to stderr: the dashboard marks them, and test runs surface them.
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Error);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        QuietBackgroundLogs(builder.Logging);

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // Not Npgsql's meter: it reports a series per data source, that is per tenant database touched
                // (docs/decisions/telemetry-cardinality.md); the tenant pools report their own bounded metrics.
                // Dropped by a view as well, because Aspire's Npgsql integrations subscribe to it.
                .AddMeter(PlatformActivitySource)
                .AddView(PerDatabaseMetrics.View))
            .WithTracing(tracing => tracing
                .SetSampler(BackgroundSpanSampler.Create())
                .AddSource(builder.Environment.ApplicationName, PlatformActivitySource, "Npgsql")
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes every few seconds would drown the traces that matter.
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Per-call Information lines of outgoing HTTP (IHttpClientFactory's "Start/End processing" pairs) and of the
    /// resilience pipeline (an "Execution attempt" per call) are dropped: background polls (the revocation feed, then
    /// read every 250 ms) made them most of an idle platform's logs. Their warnings (retries, failures) still come through.
    /// </summary>
    public static void QuietBackgroundLogs(ILoggingBuilder logging)
    {
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Polly", LogLevel.Warning);
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (readiness: every registered check) and <c>/alive</c> (liveness: the process answers).
    /// Both are mapped in every environment: orchestrators probe production too.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync })
            .DisableHttpMetrics();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") })
            .DisableHttpMetrics();
        app.MapPlatformOpenApi();
        return app;
    }

    /// <summary>
    /// Puts every error the pipeline can produce (unknown route, 405, 413, 415, malformed JSON, unhandled exception)
    /// into the platform's error envelope. Call it first in the pipeline.
    /// </summary>
    public static WebApplication UseApiEnvelope(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = EnvelopeErrorHandling.HandleExceptionAsync,
            SuppressDiagnosticsCallback = handled => EnvelopeErrorHandling.IsAnsweredWithoutFault(handled.HttpContext, handled.Exception),
        });
        app.UseStatusCodePages(EnvelopeErrorHandling.WriteStatusCodeAsync);
        // Routing explicitly after the handlers: otherwise it runs first, and its errors (an ambiguous match)
        // would escape the envelope.
        app.UseRouting();
        app.Use(IdempotentReadRetry.InvokeAsync);
        return app;
    }
}

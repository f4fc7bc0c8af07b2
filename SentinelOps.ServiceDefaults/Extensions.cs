using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Adds the services every Sentinel-Ops process shares: OpenTelemetry, health checks, service discovery and
/// the standard HTTP resilience handler.
/// </summary>
public static class Extensions
{
    /// <summary>Prefix of every <c>ActivitySource</c> and <c>Meter</c> the Sentinel-Ops projects define.</summary>
    public const string TelemetryPrefix = "SentinelOps";

    /// <summary>The variable that switches console logs to JSON (<c>json</c>) or keeps them plain (<c>text</c>).</summary>
    public const string LogFormatVariable = "LOG_FORMAT";

    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    // Microsoft.Extensions.AI's UseOpenTelemetry emits under these names (the "Experimental." one until the GenAI conventions are stable).
    private static readonly string[] AiTelemetrySources = ["Experimental.Microsoft.Extensions.AI", "Microsoft.Extensions.AI"];

    /// <summary>Adds telemetry, health checks, service discovery and default HTTP client resilience.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureConsoleLogging();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Provider clients remove this again: the gateway's own retry and breaker govern them.
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>
    /// Console logs as one JSON object per line when <c>LOG_FORMAT=json</c> (or <c>Logging:Console:FormatterName=json</c>),
    /// as the seed's structured logs were; plain text otherwise (<c>LOG_FORMAT=text</c>, the default). JSON lines carry
    /// their scopes, so every line written while handling a request has its <c>TraceId</c>, <c>SpanId</c> and
    /// <c>RequestId</c>, and every line inside a traced operation (a probe, a background call) its <c>TraceId</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>LOG_FORMAT</c> is neither <c>text</c> nor <c>json</c>.</exception>
    public static TBuilder ConfigureConsoleLogging<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // Trace ids in the log scope, whatever the host's defaults: they are what ties a log line to its trace.
        builder.Logging.Configure(options => options.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        var format = builder.Configuration[LogFormatVariable]?.Trim().ToLowerInvariant();
        if (format is not (null or "" or "text" or "json"))
        {
            throw new InvalidOperationException($"{LogFormatVariable} must be text or json (got '{builder.Configuration[LogFormatVariable]}').");
        }

        if (format == "json" || string.Equals(builder.Configuration["Logging:Console:FormatterName"], ConsoleFormatterNames.Json, StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                json.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
        }

        return builder;
    }

    /// <summary>Configures logging, tracing and metrics, exported over OTLP when Aspire provides an endpoint.</summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(TelemetryPrefix + ".*")
                .AddMeter(AiTelemetrySources))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetryPrefix + ".*")
                .AddSource(AiTelemetrySources)
                .AddAspNetCoreInstrumentation(aspNetCore =>
                    aspNetCore.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Adds a liveness check tagged <c>live</c>; other checks count towards readiness.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);

        return builder;
    }

    /// <summary>Maps <c>/health</c> (ready: every check passes) and <c>/alive</c> (live checks only).</summary>
    /// <remarks>Mapped in every environment: load balancers and orchestrators probe them in production too.</remarks>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Open to all: probes carry no client key.
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("live"),
        }).AllowAnonymous();

        return app;
    }
}

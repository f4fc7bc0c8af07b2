using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Telemetry;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers Sentinel-Ops' Redis events: the Redis client, the event sink and its writer, the incident reader, the health check.</summary>
public static class SentinelEventsExtensions
{
    /// <summary>The name of the Redis health check (reports <c>Degraded</c>, never <c>Unhealthy</c>).</summary>
    public const string HealthCheckName = "redis";

    /// <summary>
    /// Adds the Redis client for connection string <paramref name="connectionName"/> (with <c>abortConnect=false</c>: the
    /// service starts and serves without Redis and reconnects in the background), <see cref="ISentinelEventSink"/>
    /// (a <see cref="RedisSentinelEventSink"/> whose writer runs as a hosted service), <see cref="IncidentReader"/>,
    /// <see cref="ProbeMetrics"/> and a Redis health check that degrades rather than fails. Options: section
    /// <see cref="SentinelEventsOptions.SectionName"/>.
    /// </summary>
    /// <remarks>
    /// Call instead of <c>AddRedisClient</c>, not besides it. With no connection string configured, nothing connects:
    /// incidents stay in the bounded outbox, <see cref="IncidentReader"/> is not registered, and the health check says so.
    /// </remarks>
    public static IHostApplicationBuilder AddSentinelEvents(this IHostApplicationBuilder builder, string connectionName = "redis")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        if (builder.Services.Any(service => service.ServiceType == typeof(RedisSentinelEventSink)))
        {
            return builder;
        }

        var configured = !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(connectionName));
        if (configured && !builder.Services.Any(service => service.ServiceType == typeof(IConnectionMultiplexer)))
        {
            builder.AddRedisClient(
                connectionName,
                settings => settings.DisableHealthChecks = true,
                options =>
                {
                    options.AbortOnConnectFail = false;
                    options.ConnectRetry = 1;
                    options.ConnectTimeout = 2_000;
                    options.ReconnectRetryPolicy = new LinearRetry(1_000);
                });
        }

        builder.Services.AddOptions<SentinelEventsOptions>()
            .BindConfiguration(SentinelEventsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RedisSentinelEventSink>();
        builder.Services.AddSingleton<ISentinelEventSink>(services => services.GetRequiredService<RedisSentinelEventSink>());
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisSentinelEventSink>());
        if (configured)
        {
            builder.Services.AddSingleton(services => new IncidentReader(services.GetRequiredService<IConnectionMultiplexer>()));
        }

        builder.Services.TryAddSingleton<ProbeMetrics>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            HealthCheckName,
            services => ActivatorUtilities.CreateInstance<RedisEventsHealthCheck>(services),
            HealthStatus.Degraded,
            ["ready"]));
        return builder;
    }
}

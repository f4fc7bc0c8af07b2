using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace SentinelOps.Shared.Events;

/// <summary>
/// Redis as a dependency that can fail without taking the service down: <c>Healthy</c> when it answers a PING,
/// <c>Degraded</c> (never <c>Unhealthy</c>) when it does not, with the incidents waiting in the outbox.
/// </summary>
/// <remarks>Registered with <see cref="HealthStatus.Degraded"/> as its failure status, so <c>/health</c> stays 200.</remarks>
internal sealed class RedisEventsHealthCheck(IServiceProvider services, RedisSentinelEventSink sink) : IHealthCheck
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["pending_incidents"] = sink.PendingIncidents,
            ["dropped_incidents"] = sink.DroppedIncidents,
        };
        if (services.GetService<IConnectionMultiplexer>() is not { } redis)
        {
            return HealthCheckResult.Degraded("Redis is not configured: incidents are kept in memory only.", data: data);
        }

        if (!redis.IsConnected)
        {
            return HealthCheckResult.Degraded($"Redis is unreachable: {sink.PendingIncidents} incidents wait in the outbox; chat is unaffected.", data: data);
        }

        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(PingTimeout, cancellationToken);
            data["ping_ms"] = Math.Round(latency.TotalMilliseconds, 2);
            return HealthCheckResult.Healthy("Redis answers.", data);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded($"Redis does not answer ({ex.GetType().Name}); chat is unaffected.", data: data);
        }
    }
}

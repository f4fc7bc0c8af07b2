using SentinelOps.Shared.Events;
using SentinelOps.Shared.Metrics;
using StackExchange.Redis;

namespace SentinelOps.Monitor.Probing;

/// <summary>
/// The <c>metrics</c> event payload: the gateways' request totals from <see cref="RedisKeys.Metrics"/> in the
/// <c>GET /api/metrics</c> shape, with the monitor's view of the active provider (the first in priority order that is
/// not down) and the monitor's uptime.
/// </summary>
internal sealed partial class RedisMetricsPayloadSource(
    IServiceProvider services, Lazy<ProbeCycle> cycle, TimeProvider timeProvider, ILogger<RedisMetricsPayloadSource> logger) : IMetricsPayloadSource
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    private readonly long _startedAt = timeProvider.GetTimestamp();

    /// <inheritdoc/>
    public async Task<object?> ReadAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IConnectionMultiplexer>() is not { IsConnected: true } redis)
        {
            return null; // no totals to report: a metrics event of zeros would mislead
        }

        try
        {
            var totals = await RequestTotals.ReadAsync(redis.GetDatabase(), RedisKeys.Metrics).WaitAsync(ReadTimeout, cancellationToken);
            return totals.ToReport(ActiveProvider(), timeProvider.GetElapsedTime(_startedAt));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogReadFailed(ex.GetType().Name);
            return null;
        }
    }

    private string? ActiveProvider()
    {
        var statuses = cycle.Value.Statuses;
        return cycle.Value.Providers.FirstOrDefault(name => !statuses.TryGetValue(name, out var status) || status != ProviderHealth.Down);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metrics totals not read from Redis ({Error}); no metrics event this cycle")]
    private partial void LogReadFailed(string error);
}

using StackExchange.Redis;

namespace SentinelOps.Monitor;

/// <summary>The monitor's background loop. For now it connects to Redis and reports that it did; probing comes next.</summary>
internal sealed partial class MonitorWorker(IConnectionMultiplexer redis, TimeProvider timeProvider, ILogger<MonitorWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Redis may still be starting, or restarting: the monitor waits for it rather than dying.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var latency = await redis.GetDatabase().PingAsync();
                LogConnected(string.Join(", ", redis.GetEndPoints().Select(e => e.ToString())), latency.TotalMilliseconds);
                return;
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
            {
                LogRedisUnavailable(ex.Message);
                await Task.Delay(ReconnectDelay, timeProvider, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not reachable yet ({Reason}); retrying")]
    private partial void LogRedisUnavailable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor connected to Redis at {Endpoints} (ping {LatencyMs:0.0} ms)")]
    private partial void LogConnected(string endpoints, double latencyMs);
}

using System.Text.Json;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;
using StackExchange.Redis;

namespace SentinelOps.Monitor.Probing;

/// <summary>Writes the latest status of each provider to the Redis hash <see cref="RedisKeys.ProviderStatus"/> (field: provider name).</summary>
/// <remarks>
/// Fire and forget: it is the latest value, rewritten every cycle, so a write lost to a Redis outage is repaired by the
/// next one and is not worth an outbox.
/// </remarks>
internal sealed partial class RedisProviderStatusStore(IConnectionMultiplexer redis, ILogger<RedisProviderStatusStore> logger) : IProviderStatusStore
{
    /// <inheritdoc/>
    public void Save(ProviderStatusReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        try
        {
            redis.GetDatabase().HashSet(
                RedisKeys.ProviderStatus,
                report.Provider,
                JsonSerializer.Serialize(report, SentinelJson.Options),
                flags: CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            LogNotStored(report.Provider, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Latest status of {Provider} not stored: Redis unavailable ({Error})")]
    private partial void LogNotStored(string provider, string error);
}

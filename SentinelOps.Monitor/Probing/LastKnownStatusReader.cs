using System.Text.Json;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;
using StackExchange.Redis;

namespace SentinelOps.Monitor.Probing;

/// <summary>
/// Reads each provider's last reported status from <see cref="RedisKeys.ProviderStatus"/>, so a restarted monitor
/// carries on from it: a provider that was reported down and is healthy now gets its <c>provider_recovered</c> (which
/// lifts the gateways' isolation), and an outage still going on is not recorded a second time.
/// </summary>
internal sealed partial class LastKnownStatusReader(IServiceProvider services, ILogger<LastKnownStatusReader> logger)
{
    /// <summary>Provider name → last reported status; empty when Redis is not configured, not reachable, or holds nothing.</summary>
    public async Task<IReadOnlyDictionary<string, ProviderHealth>> ReadAsync(CancellationToken cancellationToken)
    {
        var statuses = new Dictionary<string, ProviderHealth>(StringComparer.OrdinalIgnoreCase);
        if (services.GetService<IConnectionMultiplexer>() is not { } redis)
        {
            return statuses;
        }

        try
        {
            var entries = await redis.GetDatabase().HashGetAllAsync(RedisKeys.ProviderStatus).WaitAsync(cancellationToken);
            foreach (var entry in entries)
            {
                if (Parse(entry.Value) is { } report)
                {
                    statuses[entry.Name.ToString()] = report.Status;
                }
            }

            LogRead(statuses.Count);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnavailable(ex.GetType().Name);
        }

        return statuses;
    }

    private static ProviderStatusReport? Parse(RedisValue value)
    {
        try
        {
            return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ProviderStatusReport>(value.ToString(), SentinelJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Carrying on from the last reported status of {Count} provider(s)")]
    private partial void LogRead(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Last reported provider statuses not read ({Error}): the first probes start from no state")]
    private partial void LogUnavailable(string error);
}

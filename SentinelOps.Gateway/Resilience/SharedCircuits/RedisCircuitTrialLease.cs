using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Shared.Events;
using StackExchange.Redis;

namespace SentinelOps.Gateway.Resilience.SharedCircuits;

/// <summary>
/// The trial lease in Redis: <c>SET sentinel:circuit_trial:&lt;provider&gt;:&lt;break id&gt; &lt;replica&gt; NX PX &lt;lease time&gt;</c>.
/// The replica whose <c>SET</c> lands sends the break's trial; a key per break, so the next break needs no clean-up.
/// </summary>
/// <remarks>Never waits longer than <see cref="SharedCircuitsOptions.RedisTimeout"/>, and not at all while Redis is
/// disconnected: without an answer the replica sends its own trial, as it would without replicas.</remarks>
internal sealed partial class RedisCircuitTrialLease(
    IConnectionMultiplexer redis, string replica, TimeSpan leaseTime, TimeSpan timeout, TimeProvider timeProvider, ILogger logger) : ICircuitTrialLease
{
    /// <inheritdoc/>
    public async ValueTask<TrialLeaseResult> TryAcquireAsync(string provider, string breakId, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            LogNoAnswer(provider, breakId, "not connected");
            return TrialLeaseResult.NoAnswer;
        }

        try
        {
            return await AcquireAsync(RedisKeys.CircuitTrialPrefix + provider + ":" + breakId).WaitAsync(timeout, timeProvider, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogNoAnswer(provider, breakId, ex.GetType().Name);
            return TrialLeaseResult.NoAnswer;
        }
    }

    private async Task<TrialLeaseResult> AcquireAsync(string key)
    {
        var database = redis.GetDatabase();
        if (await database.StringSetAsync(key, replica, leaseTime, When.NotExists))
        {
            return TrialLeaseResult.Granted;
        }

        var held = await database.StringGetWithExpiryAsync(key);
        if (held.Value.IsNullOrEmpty)
        {
            // Expired in between: one more try decides it.
            return await database.StringSetAsync(key, replica, leaseTime, When.NotExists) ? TrialLeaseResult.Granted : TrialLeaseResult.HeldBy("another replica", leaseTime);
        }

        // Our own lease: asked again after our trial ended without a verdict (the caller gave up).
        var holder = held.Value.ToString();
        return holder == replica
            ? TrialLeaseResult.Granted
            : TrialLeaseResult.HeldBy(holder, held.Expiry is { } left && left > TimeSpan.Zero ? left : leaseTime);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No trial lease for {Provider} (break {BreakId}): Redis {Error}; this replica sends its own trial")]
    private partial void LogNoAnswer(string provider, string breakId, string error);
}

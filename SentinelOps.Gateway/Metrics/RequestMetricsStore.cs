using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Providers;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Metrics;
using StackExchange.Redis;

namespace SentinelOps.Gateway.Metrics;

/// <summary>
/// Moves this replica's <see cref="RequestCounters"/> into the <c>sentinel:metrics</c> hash, and reads the totals back
/// for <c>GET /api/metrics</c>: Redis totals (every replica, every past run) + the batch being flushed + what is not
/// flushed yet.
/// </summary>
/// <remarks>
/// <para>A flush is a batch of <c>HINCRBY</c> deltas applied at most once: a Lua script sets a batch-id key with
/// <c>NX</c> and increments only if it was not there. A flush that failed is retried with the same batch (and id)
/// until Redis confirms it, so a lost reply neither loses nor doubles counts; new requests meanwhile count towards
/// the next batch.</para>
/// <para>Flushing and reading hold one gate, so a read never counts a batch twice or not at all.</para>
/// </remarks>
public sealed partial class RequestMetricsStore
{
    private const string FlushScript = """
        if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
          for i = 2, #ARGV, 2 do
            redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
          end
          return 1
        end
        return 0
        """;

    private static readonly TimeSpan BatchIdLifetime = TimeSpan.FromDays(1);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    private readonly RequestCounters _counters;
    private readonly ProviderChain _chain;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly long _startedAt;

    private (string Id, Dictionary<string, long> Deltas)? _pending;
    private KeyValuePair<RedisValue, RedisValue>[] _lastRedisTotals = [];

    /// <summary>Creates the store; the uptime it reports starts now.</summary>
    public RequestMetricsStore(
        RequestCounters counters, ProviderChain chain, IServiceProvider services, TimeProvider timeProvider, ILogger<RequestMetricsStore> logger)
    {
        _counters = counters;
        _chain = chain;
        _services = services;
        _timeProvider = timeProvider;
        _logger = logger;
        _startedAt = timeProvider.GetTimestamp();
    }

    /// <summary>Adds the counts since the last flush to the Redis totals. Returns <see langword="false"/> if Redis did not confirm (they are kept for the next try).</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_pending is null)
            {
                var deltas = _counters.TakeDeltas();
                if (deltas.Count == 0)
                {
                    return true;
                }

                _pending = (Guid.NewGuid().ToString("N"), deltas);
            }

            if (Redis() is not { IsConnected: true } redis)
            {
                return false;
            }

            var (id, batch) = _pending.Value;
            var arguments = new RedisValue[1 + (2 * batch.Count)];
            arguments[0] = (long)BatchIdLifetime.TotalSeconds;
            var i = 1;
            foreach (var (field, delta) in batch)
            {
                arguments[i++] = field;
                arguments[i++] = delta;
            }

            try
            {
                var applied = (long)await redis.GetDatabase().ScriptEvaluateAsync(
                    FlushScript, [RedisKeys.Metrics, RedisKeys.MetricsBatchPrefix + id], arguments);
                if (applied == 0)
                {
                    LogBatchAlreadyApplied(id);
                }

                _pending = null;
                return true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogFlushFailed(ex.GetType().Name);
                return false;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The <c>GET /api/metrics</c> body. When Redis cannot be read, the last totals read from it are used and <see cref="MetricsReport.RedisAvailable"/> is false.</summary>
    public async Task<MetricsReport> GetReportAsync(CancellationToken cancellationToken)
    {
        var totals = new RequestTotals();
        var available = false;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Redis() is { IsConnected: true } redis)
            {
                try
                {
                    _lastRedisTotals = [.. (await redis.GetDatabase().HashGetAllAsync(RedisKeys.Metrics).WaitAsync(ReadTimeout, cancellationToken))
                        .Select(e => KeyValuePair.Create(e.Name, e.Value))];
                    available = true;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    LogReadFailed(ex.GetType().Name);
                }
            }

            foreach (var (field, value) in _lastRedisTotals)
            {
                if (value.TryParse(out long count))
                {
                    totals.Add(field!, count);
                }
            }

            if (_pending is { } pending)
            {
                totals.Add(pending.Deltas);
            }

            totals.Add(_counters.Peek());
        }
        finally
        {
            _gate.Release();
        }

        var active = _chain.Providers.FirstOrDefault(p => p.Breaker is null || p.Breaker.WouldPermit())?.Name;
        return totals.ToReport(active, _timeProvider.GetElapsedTime(_startedAt)) with { RedisAvailable = available };
    }

    // Resolved late: resolving the multiplexer connects, which must not happen on a request.
    private IConnectionMultiplexer? Redis() => _services.GetService<IConnectionMultiplexer>();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metrics batch {BatchId} was already applied (a retry after a lost reply)")]
    private partial void LogBatchAlreadyApplied(string batchId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metrics flush to Redis failed ({Error}); kept for the next flush")]
    private partial void LogFlushFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the metrics totals from Redis failed ({Error}); reporting the last totals read")]
    private partial void LogReadFailed(string error);
}

using Microsoft.Extensions.Options;
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
/// <para>While Redis cannot be read, the totals last read stand in for it, plus every batch this replica has applied
/// since: a read also tells whether the batch in flight is already in the hash, so no batch is counted twice or not at
/// all. Flushing and reading hold one gate.</para>
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

    // KEYS[1] the totals hash, KEYS[2] the batch-id key of the batch in flight (or one that never exists).
    private const string ReadScript = """
        return { redis.call('HGETALL', KEYS[1]), redis.call('EXISTS', KEYS[2]) }
        """;

    private const string NoBatchKey = RedisKeys.MetricsBatchPrefix + "none";
    private static readonly TimeSpan BatchIdLifetime = TimeSpan.FromDays(1);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    private readonly RequestCounters _counters;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly long _startedAt;
    private readonly Dictionary<string, long> _redisTotals = new(StringComparer.Ordinal);

    private (string Id, Dictionary<string, long> Deltas)? _pending;
    private bool _pendingInRedisTotals;
    private bool _firstReadDone;

    /// <summary>Creates the store; the uptime it reports starts now.</summary>
    public RequestMetricsStore(RequestCounters counters, IServiceProvider services, TimeProvider timeProvider, ILogger<RequestMetricsStore> logger)
    {
        _counters = counters;
        _services = services;
        _timeProvider = timeProvider;
        _logger = logger;
        _startedAt = timeProvider.GetTimestamp();
    }

    /// <summary>How long this process has counted requests.</summary>
    public TimeSpan Uptime => _timeProvider.GetElapsedTime(_startedAt);

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

                if (!_pendingInRedisTotals)
                {
                    AddTo(_redisTotals, batch);
                }

                _pending = null;
                _pendingInRedisTotals = false;
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

    /// <summary>
    /// The totals across every replica and restart. When Redis cannot be read, the totals last read plus this
    /// replica's counts since, with <c>RedisAvailable</c> false.
    /// </summary>
    public async Task<(RequestTotals Totals, bool RedisAvailable)> ReadTotalsAsync(CancellationToken cancellationToken)
    {
        var totals = new RequestTotals();
        var available = false;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Until the totals have been read once, a read may wait (up to ReadTimeout) for the connection being made:
            // right after a restart, reporting zeros because Redis was not connected yet would look like lost counts.
            if (Redis() is { } redis && (redis.IsConnected || !_firstReadDone))
            {
                try
                {
                    var batchKey = _pending is { } inFlight ? RedisKeys.MetricsBatchPrefix + inFlight.Id : NoBatchKey;
                    var result = (RedisResult[])(await redis.GetDatabase()
                        .ScriptEvaluateAsync(ReadScript, [RedisKeys.Metrics, batchKey])
                        .WaitAsync(ReadTimeout, cancellationToken))!;
                    var hash = (RedisValue[])result[0]!;
                    _redisTotals.Clear();
                    for (var i = 0; i + 1 < hash.Length; i += 2)
                    {
                        if (hash[i + 1].TryParse(out long count))
                        {
                            _redisTotals[hash[i]!] = count;
                        }
                    }

                    _pendingInRedisTotals = _pending is not null && (long)result[1] == 1;
                    available = true;
                    _firstReadDone = true;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    _firstReadDone = true; // one wait is enough: later reads while Redis is away answer at once
                    LogReadFailed(ex.GetType().Name);
                }
            }

            totals.Add(_redisTotals);
            if (_pending is { } pending && !_pendingInRedisTotals)
            {
                totals.Add(pending.Deltas);
            }

            totals.Add(_counters.Peek());
        }
        finally
        {
            _gate.Release();
        }

        return (totals, available);
    }

    private static void AddTo(Dictionary<string, long> totals, Dictionary<string, long> batch)
    {
        foreach (var (field, delta) in batch)
        {
            totals[field] = totals.GetValueOrDefault(field) + delta;
        }
    }

    // Resolved late: resolving the multiplexer connects, which must not happen on a request.
    private IConnectionMultiplexer? Redis() => _services.GetService<IConnectionMultiplexer>();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metrics batch {BatchId} was already applied (a retry after a lost reply)")]
    private partial void LogBatchAlreadyApplied(string batchId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Metrics flush to Redis failed ({Error}); kept for the next flush")]
    private partial void LogFlushFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the metrics totals from Redis failed ({Error}); reporting the last totals read plus this replica's counts since")]
    private partial void LogReadFailed(string error);
}

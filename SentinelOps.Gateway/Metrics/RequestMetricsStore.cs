using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Events;
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
/// <c>NX</c> and increments only if it was not there. A flush that failed or timed out
/// (<see cref="GatewayEventsOptions.MetricsFlushTimeout"/>) is retried with the same batch (and id) until Redis confirms
/// it, so a lost or late reply neither loses nor doubles counts; new requests meanwhile count towards the next batch.</para>
/// <para>While Redis cannot be read, the totals last read stand in for it, plus every batch this replica has applied
/// since: a read also tells whether the batch in flight is already in the hash, so no batch is counted twice or not at
/// all. One Redis conversation (a flush or a read) runs at a time; readers never queue behind it: the Redis totals are
/// read again when a reader finds them a second old and no conversation is under way, and the other readers meanwhile
/// add this replica's current counts to the totals last read.</para>
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

    // How old the Redis totals may be before a reader reads them again: a dashboard polling from many tabs costs
    // Redis one read a second, not one per request.
    private static readonly TimeSpan TotalsMaxAge = TimeSpan.FromSeconds(1);

    private readonly RequestCounters _counters;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _flushTimeout;
    private readonly ILogger _logger;
    private readonly long _startedAt;

    // One Redis conversation at a time: a flush, or a read of the totals. Held across the Redis call.
    private readonly SemaphoreSlim _redisGate = new(1, 1);

    // Guards the fields below; never held across an await, so a reader composing the totals waits for no one.
    private readonly Lock _state = new();
    private readonly Dictionary<string, long> _redisTotals = new(StringComparer.Ordinal);
    private (string Id, Dictionary<string, long> Deltas)? _pending;
    private bool _pendingInRedisTotals;
    private long? _readAt;
    private bool _redisAvailable;
    private volatile bool _firstReadDone;

    /// <summary>Creates the store; the uptime it reports starts now.</summary>
    public RequestMetricsStore(
        RequestCounters counters, IServiceProvider services, TimeProvider timeProvider, IOptions<GatewayEventsOptions> options, ILogger<RequestMetricsStore> logger)
    {
        _counters = counters;
        _services = services;
        _timeProvider = timeProvider;
        _flushTimeout = options.Value.MetricsFlushTimeout;
        _logger = logger;
        _startedAt = timeProvider.GetTimestamp();
    }

    /// <summary>How long this process has counted requests.</summary>
    public TimeSpan Uptime => _timeProvider.GetElapsedTime(_startedAt);

    /// <summary>
    /// Adds the counts since the last flush to the Redis totals. Returns <see langword="false"/> if Redis did not confirm
    /// within <see cref="GatewayEventsOptions.MetricsFlushTimeout"/> (they are kept for the next try).
    /// </summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        await _redisGate.WaitAsync(cancellationToken);
        try
        {
            (string Id, Dictionary<string, long> Deltas) batch;
            lock (_state)
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

                batch = _pending.Value;
            }

            if (Redis() is not { IsConnected: true } redis)
            {
                return false;
            }

            var arguments = new RedisValue[1 + (2 * batch.Deltas.Count)];
            arguments[0] = (long)BatchIdLifetime.TotalSeconds;
            var i = 1;
            foreach (var (field, delta) in batch.Deltas)
            {
                arguments[i++] = field;
                arguments[i++] = delta;
            }

            try
            {
                var applied = (long)await redis.GetDatabase()
                    .ScriptEvaluateAsync(FlushScript, [RedisKeys.Metrics, RedisKeys.MetricsBatchPrefix + batch.Id], arguments)
                    .WaitAsync(_flushTimeout, _timeProvider, cancellationToken);
                if (applied == 0)
                {
                    LogBatchAlreadyApplied(batch.Id);
                }

                lock (_state)
                {
                    if (!_pendingInRedisTotals)
                    {
                        AddTo(_redisTotals, batch.Deltas);
                    }

                    _pending = null;
                    _pendingInRedisTotals = false;
                }

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
            _redisGate.Release();
        }
    }

    /// <summary>
    /// The totals across every replica and restart: the Redis totals read at most about a second ago (longer only while
    /// a flush is talking to Redis), plus this replica's counts since. When Redis cannot be read, the totals last read
    /// plus this replica's counts since, with <c>RedisAvailable</c> false.
    /// </summary>
    public async Task<(RequestTotals Totals, bool RedisAvailable)> ReadTotalsAsync(CancellationToken cancellationToken)
    {
        if (!IsFresh() && await TryEnterRedisGateAsync(cancellationToken))
        {
            try
            {
                // Another reader may have read them while this one waited.
                if (!IsFresh())
                {
                    await ReadRedisTotalsAsync(cancellationToken);
                }
            }
            finally
            {
                _redisGate.Release();
            }
        }

        lock (_state)
        {
            var totals = new RequestTotals();
            totals.Add(_redisTotals);
            if (_pending is { } pending && !_pendingInRedisTotals)
            {
                totals.Add(pending.Deltas);
            }

            totals.Add(_counters.Peek());
            return (totals, _redisAvailable);
        }
    }

    private bool IsFresh()
    {
        lock (_state)
        {
            return _readAt is { } readAt && _timeProvider.GetElapsedTime(readAt) < TotalsMaxAge;
        }
    }

    // Whether this reader may talk to Redis now. Once the totals have been read, never waits: if a flush or another
    // reader is talking to Redis, the totals last read are answered. Until then a reader waits (up to ReadTimeout) for
    // its turn: right after a restart, zeros from Redis would look like lost counts.
    private async Task<bool> TryEnterRedisGateAsync(CancellationToken cancellationToken)
    {
        if (_firstReadDone)
        {
            return _redisGate.Wait(0);
        }

        using var timeout = new CancellationTokenSource(ReadTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _redisGate.WaitAsync(linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // Must be called holding _redisGate, so no flush changes the batch in flight meanwhile.
    private async Task ReadRedisTotalsAsync(CancellationToken cancellationToken)
    {
        var available = false;

        // Until the totals have been read once, a read may wait (up to ReadTimeout) for the connection being made:
        // right after a restart, reporting zeros because Redis was not connected yet would look like lost counts.
        if (Redis() is { } redis && (redis.IsConnected || !_firstReadDone))
        {
            try
            {
                var batchKey = _pending is { } inFlight ? RedisKeys.MetricsBatchPrefix + inFlight.Id : NoBatchKey;
                var result = (RedisResult[])(await redis.GetDatabase()
                    .ScriptEvaluateAsync(ReadScript, [RedisKeys.Metrics, batchKey])
                    .WaitAsync(ReadTimeout, _timeProvider, cancellationToken))!;
                var hash = (RedisValue[])result[0]!;
                lock (_state)
                {
                    _redisTotals.Clear();
                    for (var i = 0; i + 1 < hash.Length; i += 2)
                    {
                        if (hash[i + 1].TryParse(out long count))
                        {
                            _redisTotals[hash[i]!] = count;
                        }
                    }

                    _pendingInRedisTotals = _pending is not null && (long)result[1] == 1;
                }

                available = true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogReadFailed(ex.GetType().Name);
            }
        }

        _firstReadDone = true; // one wait is enough: later reads while Redis is away answer at once
        lock (_state)
        {
            _redisAvailable = available;
            _readAt = _timeProvider.GetTimestamp();
        }
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

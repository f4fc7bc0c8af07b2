using StackExchange.Redis;

namespace SentinelOps.Shared.Metrics;

/// <summary>
/// Request counters added up from any number of sources: the <c>sentinel:metrics</c> hash, a flush batch in flight,
/// a replica's unflushed deltas. Each source is a set of <see cref="RequestMetricsFields"/> field → count pairs.
/// </summary>
/// <remarks>Not thread-safe: build one per read.</remarks>
public sealed class RequestTotals
{
    private readonly long[] _latencyBuckets = new long[LatencyHistogram.BucketCount];
    private readonly SortedDictionary<string, ProviderRequestCounts> _providers = new(StringComparer.Ordinal);

    /// <summary>Chat requests finished.</summary>
    public long Requests { get; private set; }

    /// <summary>Requests a provider answered.</summary>
    public long Successes { get; private set; }

    /// <summary>Requests answered with an error.</summary>
    public long Failures { get; private set; }

    /// <summary>Requests the client gave up on.</summary>
    public long Cancelled { get; private set; }

    /// <summary>Requests answered by a provider other than the first choice.</summary>
    public long Failovers { get; private set; }

    /// <summary>Requests that were their own fault (not counted as failures).</summary>
    public long Rejected { get; private set; }

    /// <summary>Successes served from the response cache.</summary>
    public long CacheHits { get; private set; }

    /// <summary>Requests hedged on a second provider.</summary>
    public long Hedged { get; private set; }

    /// <summary>Sum of successful requests' latencies, in microseconds.</summary>
    public long LatencySumMicroseconds { get; private set; }

    /// <summary>Per provider: answered and failed counts.</summary>
    public IReadOnlyDictionary<string, ProviderRequestCounts> Providers => _providers;

    /// <summary>Reads the <c>sentinel:metrics</c> hash (one <c>HGETALL</c>).</summary>
    public static async Task<RequestTotals> ReadAsync(IDatabaseAsync database, RedisKey key)
    {
        ArgumentNullException.ThrowIfNull(database);
        var totals = new RequestTotals();
        foreach (var entry in await database.HashGetAllAsync(key))
        {
            if (entry.Value.TryParse(out long value))
            {
                totals.Add(entry.Name!, value);
            }
        }

        return totals;
    }

    /// <summary>Adds <paramref name="value"/> to the counter <paramref name="field"/>; unknown fields are ignored.</summary>
    public void Add(string field, long value)
    {
        ArgumentNullException.ThrowIfNull(field);
        switch (field)
        {
            case RequestMetricsFields.TotalRequests: Requests += value; return;
            case RequestMetricsFields.TotalSuccesses: Successes += value; return;
            case RequestMetricsFields.TotalFailures: Failures += value; return;
            case RequestMetricsFields.TotalCancelled: Cancelled += value; return;
            case RequestMetricsFields.TotalFailovers: Failovers += value; return;
            case RequestMetricsFields.TotalRejected: Rejected += value; return;
            case RequestMetricsFields.TotalCacheHits: CacheHits += value; return;
            case RequestMetricsFields.TotalHedged: Hedged += value; return;
            case RequestMetricsFields.LatencySumMicroseconds: LatencySumMicroseconds += value; return;
        }

        if (field.StartsWith(RequestMetricsFields.LatencyBucketPrefix, StringComparison.Ordinal))
        {
            if (int.TryParse(field.AsSpan(RequestMetricsFields.LatencyBucketPrefix.Length), out var bucket) && bucket is >= 0 and < LatencyHistogram.BucketCount)
            {
                _latencyBuckets[bucket] += value;
            }

            return;
        }

        if (field.StartsWith(RequestMetricsFields.ProviderPrefix, StringComparison.Ordinal))
        {
            var rest = field[RequestMetricsFields.ProviderPrefix.Length..];
            if (rest.EndsWith(RequestMetricsFields.ProviderSuccessesSuffix, StringComparison.Ordinal))
            {
                Provider(rest[..^RequestMetricsFields.ProviderSuccessesSuffix.Length]).Successes += value;
            }
            else if (rest.EndsWith(RequestMetricsFields.ProviderFailuresSuffix, StringComparison.Ordinal))
            {
                Provider(rest[..^RequestMetricsFields.ProviderFailuresSuffix.Length]).Failures += value;
            }
        }
    }

    /// <summary>Adds every pair of <paramref name="counters"/>.</summary>
    public void Add(IEnumerable<KeyValuePair<string, long>> counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        foreach (var (field, value) in counters)
        {
            Add(field, value);
        }
    }

    /// <summary>The <c>GET /api/metrics</c> body (also the <c>metrics</c> event payload).</summary>
    /// <param name="activeProvider">The provider the next request would try first, if any.</param>
    /// <param name="uptime">How long the reporting process has run.</param>
    public MetricsReport ToReport(string? activeProvider, TimeSpan uptime) => new(
        Requests,
        Successes,
        Failures,
        Failovers,
        Successes == 0 ? 0 : Math.Round(LatencySumMicroseconds / 1000.0 / Successes, 1),
        activeProvider,
        Math.Round(uptime.TotalSeconds, 1),
        Cancelled,
        LatencyHistogram.Percentile(_latencyBuckets, 0.50),
        LatencyHistogram.Percentile(_latencyBuckets, 0.95),
        LatencyHistogram.Percentile(_latencyBuckets, 0.99),
        _providers.ToDictionary(p => p.Key, p => new ProviderMetrics(p.Value.Successes + p.Value.Failures, p.Value.Successes, p.Value.Failures)))
    {
        TotalRejected = Rejected,
        TotalCacheHits = CacheHits,
        TotalHedged = Hedged,
    };

    private ProviderRequestCounts Provider(string name)
    {
        if (!_providers.TryGetValue(name, out var counts))
        {
            _providers[name] = counts = new ProviderRequestCounts();
        }

        return counts;
    }

    /// <summary>One provider's counts.</summary>
    public sealed class ProviderRequestCounts
    {
        /// <summary>Requests it answered.</summary>
        public long Successes { get; internal set; }

        /// <summary>Requests where it failed or was skipped before another provider answered (or none did).</summary>
        public long Failures { get; internal set; }
    }
}

using System.Collections.Frozen;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Metrics;

namespace SentinelOps.Gateway.Metrics;

/// <summary>
/// This replica's request counters since the last flush to Redis: one array of longs updated with
/// <see cref="Interlocked"/>, so counting a request takes no lock, no allocation and no Redis round trip.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="TakeDeltas"/> moves the counts out (exchanging each with zero), so every increment is
/// flushed exactly once. Providers are those configured at start; others are not counted per provider.
/// </remarks>
public sealed class RequestCounters
{
    private const int Requests = 0;
    private const int Successes = 1;
    private const int Failures = 2;
    private const int Cancelled = 3;
    private const int Failovers = 4;
    private const int LatencySum = 5;
    private const int Rejected = 6;
    private const int CacheHits = 7;
    private const int Hedged = 8;
    private const int FirstBucket = 9;
    private const int FirstProvider = FirstBucket + LatencyHistogram.BucketCount;

    private readonly long[] _counts;
    private readonly string[] _fields;
    private readonly FrozenDictionary<string, int> _providerSlots;

    /// <summary>Creates counters for <paramref name="providers"/>.</summary>
    public RequestCounters(IEnumerable<string> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        var names = providers.Distinct(StringComparer.Ordinal).ToArray();
        _counts = new long[FirstProvider + (2 * names.Length)];
        _fields = new string[_counts.Length];
        _fields[Requests] = RequestMetricsFields.TotalRequests;
        _fields[Successes] = RequestMetricsFields.TotalSuccesses;
        _fields[Failures] = RequestMetricsFields.TotalFailures;
        _fields[Cancelled] = RequestMetricsFields.TotalCancelled;
        _fields[Failovers] = RequestMetricsFields.TotalFailovers;
        _fields[LatencySum] = RequestMetricsFields.LatencySumMicroseconds;
        _fields[Rejected] = RequestMetricsFields.TotalRejected;
        _fields[CacheHits] = RequestMetricsFields.TotalCacheHits;
        _fields[Hedged] = RequestMetricsFields.TotalHedged;
        for (var bucket = 0; bucket < LatencyHistogram.BucketCount; bucket++)
        {
            _fields[FirstBucket + bucket] = RequestMetricsFields.LatencyBucket(bucket);
        }

        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            var slot = FirstProvider + (2 * i);
            slots[names[i]] = slot;
            _fields[slot] = RequestMetricsFields.ProviderSuccesses(names[i]);
            _fields[slot + 1] = RequestMetricsFields.ProviderFailures(names[i]);
        }

        _providerSlots = slots.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Counts a request <paramref name="provider"/> answered after <paramref name="failures"/> failed or were skipped.</summary>
    public void RecordSuccess(string provider, IReadOnlyList<ProviderFailure> failures, TimeSpan latency, bool fromCache = false)
    {
        Interlocked.Increment(ref _counts[Requests]);
        Interlocked.Increment(ref _counts[Successes]);
        if (fromCache)
        {
            Interlocked.Increment(ref _counts[CacheHits]);
        }

        if (failures.Count > 0)
        {
            Interlocked.Increment(ref _counts[Failovers]);
        }

        var latencyMs = latency.TotalMilliseconds;
        Interlocked.Add(ref _counts[LatencySum], (long)(latencyMs * 1000));
        Interlocked.Increment(ref _counts[FirstBucket + LatencyHistogram.BucketOf(latencyMs)]);
        if (_providerSlots.TryGetValue(provider, out var slot))
        {
            Interlocked.Increment(ref _counts[slot]);
        }

        CountProviderFailures(failures);
    }

    /// <summary>Counts a request answered with an error, or given up on by its client.</summary>
    public void RecordFailure(IReadOnlyList<ProviderFailure> failures, bool cancelled)
    {
        Interlocked.Increment(ref _counts[Requests]);
        Interlocked.Increment(ref _counts[cancelled ? Cancelled : Failures]);
        CountProviderFailures(failures);
    }

    /// <summary>Counts a request that was its own fault: neither a failure nor any provider's.</summary>
    public void RecordRejected()
    {
        Interlocked.Increment(ref _counts[Requests]);
        Interlocked.Increment(ref _counts[Rejected]);
    }

    /// <summary>Counts a request hedged on a second provider (besides its own outcome, counted when it ends).</summary>
    public void RecordHedge() => Interlocked.Increment(ref _counts[Hedged]);

    /// <summary>Moves every non-zero count out, as field → delta, leaving zeros.</summary>

    public Dictionary<string, long> TakeDeltas()
    {
        var deltas = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _counts.Length; i++)
        {
            if (Volatile.Read(ref _counts[i]) != 0)
            {
                var delta = Interlocked.Exchange(ref _counts[i], 0);
                if (delta != 0)
                {
                    deltas[_fields[i]] = delta;
                }
            }
        }

        return deltas;
    }

    /// <summary>The counts not yet taken, as field → count, without taking them.</summary>
    public IEnumerable<KeyValuePair<string, long>> Peek()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            var count = Volatile.Read(ref _counts[i]);
            if (count != 0)
            {
                yield return KeyValuePair.Create(_fields[i], count);
            }
        }
    }

    private void CountProviderFailures(IReadOnlyList<ProviderFailure> failures)
    {
        for (var i = 0; i < failures.Count; i++)
        {
            if (_providerSlots.TryGetValue(failures[i].Provider, out var slot))
            {
                Interlocked.Increment(ref _counts[slot + 1]);
            }
        }
    }
}

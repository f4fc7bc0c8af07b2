namespace SentinelOps.Shared.Metrics;

/// <summary>
/// The bucket layout of request latency histograms: log-scale buckets a quarter of a power of two wide (each ~19%
/// wider than the last) from 1 ms to about 10 minutes. Counts per bucket add up across replicas and flushes, and a
/// percentile read from them is within ~9% of the true value (the bucket's geometric middle is reported).
/// </summary>
public static class LatencyHistogram
{
    /// <summary>Number of buckets: bucket 0 holds under 1 ms; the last holds everything above its lower bound.</summary>
    public const int BucketCount = 80;

    private const double BucketsPerDoubling = 4;

    /// <summary>The bucket <paramref name="latencyMs"/> falls in.</summary>
    public static int BucketOf(double latencyMs)
    {
        if (!(latencyMs >= 1))
        {
            return 0;
        }

        var index = 1 + (int)(BucketsPerDoubling * Math.Log2(latencyMs));
        return Math.Min(index, BucketCount - 1);
    }

    /// <summary>The latency a bucket stands for: the geometric middle of its bounds, in ms.</summary>
    public static double ValueOf(int bucket) =>
        bucket <= 0 ? 0.5 : Math.Pow(2, (bucket - 0.5) / BucketsPerDoubling);

    /// <summary>The <paramref name="quantile"/> (0–1) of the latencies counted in <paramref name="counts"/>; <see langword="null"/> when empty.</summary>
    public static double? Percentile(ReadOnlySpan<long> counts, double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1);
        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        if (total == 0)
        {
            return null;
        }

        // The rank of the quantile, 1-based (nearest-rank method).
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * total));
        long seen = 0;
        for (var bucket = 0; bucket < counts.Length; bucket++)
        {
            seen += counts[bucket];
            if (seen >= rank)
            {
                return Math.Round(ValueOf(bucket), 1);
            }
        }

        return Math.Round(ValueOf(counts.Length - 1), 1);
    }
}

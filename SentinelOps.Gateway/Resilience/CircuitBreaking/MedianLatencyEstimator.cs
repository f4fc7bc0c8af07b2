namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>
/// A provider's typical latency of one kind (its time to first token, or the longest wait between chunks of a stream):
/// the median of its last <see cref="WindowSize"/> observations, which neither one slow call nor one burst of fast
/// ones can move far.
/// </summary>
/// <remarks>
/// The very first observation is not kept: the first call to a provider also pays for the gateway's own warm-up (JIT
/// compilation, the connection and its TLS handshake), and would otherwise set the limit for the calls after it.
/// Constant memory; a few hundred nanoseconds per observation. Not thread-safe: its owner serialises access.
/// </remarks>
internal sealed class MedianLatencyEstimator
{
    /// <summary>How many recent observations the median is taken over.</summary>
    public const int WindowSize = 16;

    private readonly long[] _samples = new long[WindowSize];
    private int _count;
    private int _next;
    private bool _warmedUp;

    /// <summary>The median of the recent observations; <see langword="null"/> before any was kept.</summary>
    public TimeSpan? Median { get; private set; }

    /// <summary>The 95th percentile of the recent observations (interpolated between the two nearest, so over 16 it
    /// lies between the slowest two); <see langword="null"/> before any was kept. Read by hedging.</summary>
    public TimeSpan? P95 { get; private set; }

    /// <summary>Adds one observation.</summary>
    public void Observe(TimeSpan latency)
    {
        if (!_warmedUp)
        {
            _warmedUp = true;
            return;
        }

        _samples[_next] = Math.Max(0, latency.Ticks);
        _next = (_next + 1) % WindowSize;
        _count = Math.Min(_count + 1, WindowSize);

        Span<long> sorted = stackalloc long[WindowSize];
        sorted = sorted[.._count];
        _samples.AsSpan(0, _count).CopyTo(sorted);
        sorted.Sort();
        Median = TimeSpan.FromTicks(sorted[_count / 2]);

        // Already sorted for the median: the percentile costs two reads.
        var rank = 0.95 * (_count - 1);
        var below = (int)rank;
        var above = Math.Min(below + 1, _count - 1);
        P95 = TimeSpan.FromTicks(sorted[below] + (long)((rank - below) * (sorted[above] - sorted[below])));
    }
}

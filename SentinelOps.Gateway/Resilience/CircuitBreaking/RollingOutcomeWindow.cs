namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>Successes, failures and slow successes over a sliding window, kept in a fixed number of time buckets.</summary>
/// <remarks>Not thread-safe: its owner serialises access.</remarks>
internal sealed class RollingOutcomeWindow
{
    private const int BucketCount = 10;

    private readonly long[] _successes = new long[BucketCount];
    private readonly long[] _failures = new long[BucketCount];
    private readonly long[] _slow = new long[BucketCount];
    private readonly long[] _bucketStarts = new long[BucketCount];
    private readonly long _bucketTicks;

    public RollingOutcomeWindow(TimeSpan window)
    {
        _bucketTicks = Math.Max(1, window.Ticks / BucketCount);
    }

    public void Record(DateTimeOffset now, bool success, bool slow = false)
    {
        var index = CurrentBucket(now);
        if (success)
        {
            _successes[index]++;
            if (slow)
            {
                _slow[index]++;
            }
        }
        else
        {
            _failures[index]++;
        }
    }

    /// <summary>The totals over the window; <c>Slow</c> counts the successes that were also slow.</summary>
    public (long Successes, long Failures, long Slow) Totals(DateTimeOffset now)
    {
        var oldest = BucketStart(now) - ((BucketCount - 1) * _bucketTicks);
        long successes = 0, failures = 0, slow = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            if (_bucketStarts[i] >= oldest)
            {
                successes += _successes[i];
                failures += _failures[i];
                slow += _slow[i];
            }
        }

        return (successes, failures, slow);
    }

    public void Clear()
    {
        Array.Clear(_successes);
        Array.Clear(_failures);
        Array.Clear(_slow);
        Array.Clear(_bucketStarts);
    }

    private long BucketStart(DateTimeOffset now) => now.UtcTicks - (now.UtcTicks % _bucketTicks);

    private int CurrentBucket(DateTimeOffset now)
    {
        var start = BucketStart(now);
        var index = (int)(start / _bucketTicks % BucketCount);
        if (_bucketStarts[index] != start)
        {
            _bucketStarts[index] = start;
            _successes[index] = 0;
            _failures[index] = 0;
            _slow[index] = 0;
        }

        return index;
    }
}

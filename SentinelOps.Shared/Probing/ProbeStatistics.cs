namespace SentinelOps.Shared.Probing;

/// <summary>
/// Rolling figures of one provider's recent probes: moving-average (EWMA) and p95 latency, success rate over a bounded
/// window, and runs of consecutive failures or successes. This is state only; <see cref="ProviderHealthPolicy"/> judges it.
/// </summary>
/// <remarks>Not thread-safe: one owner records and reads (the monitor probes each provider from one loop).</remarks>
public sealed class ProbeStatistics
{
    private readonly (bool Success, double LatencyMs)[] _window;
    private readonly double _smoothing;
    private int _next;
    private int _count;

    /// <summary>Creates empty statistics over the last <paramref name="windowSize"/> probes.</summary>
    /// <param name="windowSize">How many recent probes the success rate and p95 cover.</param>
    /// <param name="smoothing">Weight of the newest latency in the EWMA, in (0, 1].</param>
    public ProbeStatistics(int windowSize, double smoothing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        if (smoothing is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "Smoothing must be in (0, 1].");
        }

        _window = new (bool, double)[windowSize];
        _smoothing = smoothing;
    }

    /// <summary>Failed probes in a row, up to the newest.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Successful probes in a row, up to the newest.</summary>
    public int ConsecutiveSuccesses { get; private set; }

    /// <summary>Probes in the window (at most its size).</summary>
    public int Count => _count;

    /// <summary>Moving average of successful probes' latency; <see langword="null"/> until one succeeded.</summary>
    /// <remarks>Failed probes do not move it: a timeout's duration says nothing about how fast the provider answers.</remarks>
    public double? EwmaLatencyMs { get; private set; }

    /// <summary>The newest probe's error, if it failed.</summary>
    public string? LastError { get; private set; }

    /// <summary>Successful probes among those in the window, 0–100; 100 while the window is empty.</summary>
    public double SuccessRatePct
    {
        get
        {
            if (_count == 0)
            {
                return 100;
            }

            var successes = 0;
            foreach (var (success, _) in Entries())
            {
                successes += success ? 1 : 0;
            }

            return Math.Round(100.0 * successes / _count, 1);
        }
    }

    /// <summary>95th percentile (nearest rank) of successful probes' latency in the window; <see langword="null"/> if none.</summary>
    public double? P95LatencyMs
    {
        get
        {
            var latencies = new List<double>(_count);
            foreach (var (success, latency) in Entries())
            {
                if (success)
                {
                    latencies.Add(latency);
                }
            }

            if (latencies.Count == 0)
            {
                return null;
            }

            latencies.Sort();
            var rank = (int)Math.Ceiling(0.95 * latencies.Count);
            return latencies[rank - 1];
        }
    }

    /// <summary>Adds the outcome of a probe, pushing the oldest out of a full window.</summary>
    public void Record(ProbeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var latencyMs = result.Latency.TotalMilliseconds;
        _window[_next] = (result.Success, latencyMs);
        _next = (_next + 1) % _window.Length;
        _count = Math.Min(_count + 1, _window.Length);

        if (result.Success)
        {
            ConsecutiveSuccesses++;
            ConsecutiveFailures = 0;
            LastError = null;
            EwmaLatencyMs = EwmaLatencyMs is { } average ? average + (_smoothing * (latencyMs - average)) : latencyMs;
        }
        else
        {
            ConsecutiveFailures++;
            ConsecutiveSuccesses = 0;
            LastError = result.Error;
        }
    }

    /// <summary>
    /// Keeps only the newest <paramref name="count"/> probes in the window. Used when a provider recovers: its outage was
    /// reported as one incident, and what follows is judged afresh rather than as "partly failing" for a whole window.
    /// </summary>
    public void KeepNewest(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count >= _count)
        {
            return;
        }

        var kept = Entries().Skip(_count - count).ToArray();
        Array.Clear(_window);
        kept.CopyTo(_window, 0);
        _count = kept.Length;
        _next = _count % _window.Length;
    }

    // Oldest first.
    private IEnumerable<(bool Success, double LatencyMs)> Entries()
    {
        var start = _count < _window.Length ? 0 : _next;
        for (var i = 0; i < _count; i++)
        {
            yield return _window[(start + i) % _window.Length];
        }
    }
}

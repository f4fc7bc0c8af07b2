using System.Collections.Concurrent;

namespace SentinelOps.Gateway.Metrics;

/// <summary>
/// Lets one incident per key through per interval and counts the rest, so a storm of identical events (every request
/// failing over during an outage) becomes one incident per interval carrying how many it stands for.
/// </summary>
/// <remarks>Thread-safe. A lock per key, held for a few instructions; keys are provider chains, so few.</remarks>
internal sealed class IncidentRateLimiter(TimeSpan interval, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether an incident for <paramref name="key"/> may be recorded now; if so, <paramref name="suppressed"/> is how
    /// many were held back since the last one. Otherwise this one is counted and <paramref name="sample"/> kept for a summary.
    /// </summary>
    public bool TryAcquire<TSample>(string key, TSample sample, out long suppressed)
        where TSample : class
    {
        var window = _windows.GetOrAdd(key, static _ => new Window());
        var now = timeProvider.GetTimestamp();
        lock (window)
        {
            if (window.LastRecorded is null || timeProvider.GetElapsedTime(window.LastRecorded.Value, now) >= interval)
            {
                suppressed = window.Suppressed;
                window.Suppressed = 0;
                window.Sample = null;
                window.LastRecorded = now;
                return true;
            }

            window.Suppressed++;
            window.Sample = sample;
            suppressed = 0;
            return false;
        }
    }

    /// <summary>
    /// The keys whose interval has ended with incidents held back: each with its count and the last held-back sample.
    /// Taking them starts a new interval, so each held-back incident is reported exactly once.
    /// </summary>
    public List<(string Key, long Suppressed, object Sample)> TakeEndedWindows()
    {
        var ended = new List<(string, long, object)>();
        var now = timeProvider.GetTimestamp();
        foreach (var (key, window) in _windows)
        {
            lock (window)
            {
                if (window.Suppressed > 0 && window.Sample is not null && window.LastRecorded is { } last
                    && timeProvider.GetElapsedTime(last, now) >= interval)
                {
                    ended.Add((key, window.Suppressed, window.Sample));
                    window.Suppressed = 0;
                    window.Sample = null;
                    window.LastRecorded = now;
                }
            }
        }

        return ended;
    }

    private sealed class Window
    {
        public long? LastRecorded;
        public long Suppressed;
        public object? Sample;
    }
}

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Caps hedges at a percentage of requests, per minute: in each one-minute window (fixed, counted from the budget's
/// creation on its <see cref="TimeProvider"/>), a hedge may start only while the hedges so far stay within that
/// percentage of the requests so far, so a window never holds more than percent × its requests.
/// </summary>
/// <remarks>
/// Like Envoy's retry budget, a ratio rather than a rate, so the duplicate load follows the traffic. At low traffic a
/// window must see 100 / percent requests (10 at the default) before its first hedge. Thread-safe: one small lock, only
/// taken while hedging is on.
/// </remarks>
public sealed class HedgeBudget
{
    /// <summary>The length of a window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly double _ratio;
    private readonly TimeProvider _timeProvider;
    private readonly long _started;
    private readonly Lock _gate = new();
    private long _window;
    private long _requests;
    private long _hedges;

    /// <summary>Creates a budget of <paramref name="percent"/> % of requests.</summary>
    public HedgeBudget(double percent, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _ratio = percent / 100;
        _timeProvider = timeProvider;
        _started = timeProvider.GetTimestamp();
    }

    /// <summary>Counts a request that may be hedged.</summary>
    public void RecordRequest()
    {
        lock (_gate)
        {
            Roll();
            _requests++;
        }
    }

    /// <summary>Takes one hedge from the current window's budget, if it has one left.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            Roll();

            // Compared in whole hedges: (hedges + 1) ≤ ratio × requests, with a hair of slack for the ratio's rounding.
            if (_hedges + 1 > (_ratio * _requests) + 1e-9)
            {
                return false;
            }

            _hedges++;
            return true;
        }
    }

    /// <summary>Gives back a hedge taken with <see cref="TryAcquire"/> that did not start (no provider to hedge on).</summary>
    public void Return()
    {
        lock (_gate)
        {
            if (_hedges > 0)
            {
                _hedges--;
            }
        }
    }

    // Must be called under _gate: a new window starts empty.
    private void Roll()
    {
        var window = _timeProvider.GetElapsedTime(_started).Ticks / Window.Ticks;
        if (window != _window)
        {
            (_window, _requests, _hedges) = (window, 0, 0);
        }
    }
}

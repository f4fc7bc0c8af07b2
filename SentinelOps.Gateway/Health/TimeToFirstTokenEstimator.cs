namespace SentinelOps.Gateway.Health;

/// <summary>
/// A provider's time to first token, smoothed the way TCP smooths round-trip times (RFC 6298): a moving average and
/// a moving mean deviation, whose sum with four deviations sits above nearly every observation.
/// </summary>
/// <remarks>Constant time and memory per observation. Not thread-safe: its owner serialises access.</remarks>
internal sealed class TimeToFirstTokenEstimator
{
    private const double Alpha = 1.0 / 8;
    private const double Beta = 1.0 / 4;
    private const int DeviationWeight = 4;

    private double _smoothedTicks;
    private double _deviationTicks;

    /// <summary>Whether any first token has been observed.</summary>
    public bool HasObservations { get; private set; }

    /// <summary>The smoothed time to first token, once observed.</summary>
    public TimeSpan? Smoothed => HasObservations ? TimeSpan.FromTicks((long)_smoothedTicks) : null;

    /// <summary>A high estimate: smoothed value plus four smoothed deviations; <see langword="null"/> before any observation.</summary>
    public TimeSpan? HighEstimate => HasObservations ? TimeSpan.FromTicks((long)(_smoothedTicks + (DeviationWeight * _deviationTicks))) : null;

    /// <summary>Adds one observed time to first token.</summary>
    public void Observe(TimeSpan timeToFirstToken)
    {
        var sample = (double)Math.Max(0, timeToFirstToken.Ticks);
        if (!HasObservations)
        {
            _smoothedTicks = sample;
            _deviationTicks = sample / 2;
            HasObservations = true;
            return;
        }

        _deviationTicks = ((1 - Beta) * _deviationTicks) + (Beta * Math.Abs(_smoothedTicks - sample));
        _smoothedTicks = ((1 - Alpha) * _smoothedTicks) + (Alpha * sample);
    }
}

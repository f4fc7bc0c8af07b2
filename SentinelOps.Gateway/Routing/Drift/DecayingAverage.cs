namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>
/// An exponentially time-decayed mean: each sample weighs 1 when it arrives and e^(-age/τ) later, so a burst of calls
/// counts call by call (an EWMA with a per-sample factor would ignore samples that arrive together) and a quiet spell
/// leaves the mean where it was while its weight, the effective sample count, fades.
/// </summary>
/// <remarks>O(1), no allocation; not thread-safe (its owner locks). Times are in seconds on any monotonic clock.</remarks>
internal struct DecayingAverage
{
    private double _sum;
    private double _weight;
    private double _at;

    /// <summary>The mean, once there has been a sample.</summary>
    public readonly double? Mean => _weight > 0 ? _sum / _weight : null;

    /// <summary>Adds <paramref name="value"/>, observed at <paramref name="now"/>, counting as <paramref name="count"/> samples.</summary>
    public void Add(double value, double now, double tau, double count = 1)
    {
        var decay = Decay(now, tau);
        _sum = (_sum * decay) + (value * count);
        _weight = (_weight * decay) + count;
        _at = now > _at ? now : _at;
    }

    /// <summary>The effective number of samples at <paramref name="now"/>.</summary>
    public readonly double Weight(double now, double tau) => _weight * Decay(now, tau);

    // Samples that race in slightly out of order are taken as simultaneous.
    private readonly double Decay(double now, double tau) => now <= _at ? 1 : Math.Exp((_at - now) / tau);
}

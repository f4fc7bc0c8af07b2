using System.Collections.Frozen;
using SentinelOps.Gateway.Routing.Drift;

namespace SentinelOps.Gateway.Metrics;

/// <summary>
/// Each provider's share of the requests answered recently: its answers over everyone's, each answer fading with
/// time constant <see cref="Routing.RoutingOptions.ShareWindow"/> (an exponentially weighted window), in this replica.
/// </summary>
/// <remarks>Thread-safe. Recording is a dictionary lookup, one short lock and one exponential: no allocation. Each
/// provider's count is the effective sample count of a <see cref="DecayingAverage"/>, the decay drift uses too.</remarks>
public sealed class TrafficShare
{
    private readonly FrozenDictionary<string, int> _slots;
    private readonly string[] _names;
    private readonly DecayingAverage[] _counts;
    private readonly double _tau;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();

    /// <summary>Creates the shares of <paramref name="providers"/>, all empty.</summary>
    public TrafficShare(IEnumerable<string> providers, TimeSpan window, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _names = providers.Distinct(StringComparer.Ordinal).ToArray();
        _slots = _names.Select((name, slot) => KeyValuePair.Create(name, slot)).ToFrozenDictionary(StringComparer.Ordinal);
        _counts = new DecayingAverage[_names.Length];
        _tau = window.TotalSeconds;
        _timeProvider = timeProvider;
    }

    /// <summary>Counts a request <paramref name="provider"/> answered; other names (the response cache) are ignored.</summary>
    public void RecordAnswer(string provider)
    {
        if (!_slots.TryGetValue(provider, out var slot))
        {
            return;
        }

        var now = Now();
        lock (_gate)
        {
            _counts[slot].Add(0, now, _tau);
        }
    }

    /// <summary>Each provider's share now, 0–1; <see langword="null"/> for all while nothing was answered recently.</summary>
    public Dictionary<string, double?> Shares()
    {
        var now = Now();
        var counts = new double[_names.Length];
        var total = 0.0;
        lock (_gate)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] = _counts[i].Weight(now, _tau);
                total += counts[i];
            }
        }

        var shares = new Dictionary<string, double?>(_names.Length, StringComparer.Ordinal);
        for (var i = 0; i < counts.Length; i++)
        {
            shares[_names[i]] = total > 1e-9 ? counts[i] / total : null;
        }

        return shares;
    }

    private double Now() => (double)_timeProvider.GetTimestamp() / _timeProvider.TimestampFrequency;
}

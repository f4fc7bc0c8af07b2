namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>
/// Watches a drained provider for a new, steady level: the latency (and probe latency) it showed when last it rose,
/// and since when it has neither risen past <see cref="DriftOptions.RecoveryRatio"/> times that level nor shown errors
/// above half of <see cref="DriftOptions.ErrorRateIncrease"/> over its baseline. Held long enough
/// (<see cref="DriftOptions.EffectiveRebaselineAfter"/>), that level is the provider's new normal.
/// </summary>
/// <remarks>O(1), no allocation; owned and called by <see cref="ProviderDriftUpdater"/> on its timer only.</remarks>
internal struct SettledLevel
{
    private double? _latencyMs;
    private double? _probeMs;
    private DateTimeOffset? _since;

    /// <summary>The level it settled at, once <see cref="Observe"/> has said so.</summary>
    public readonly (double? LatencyMs, double? ProbeMs) Level => (_latencyMs, _probeMs);

    /// <summary>Takes one step's figures; true when the provider has held its level for
    /// <see cref="DriftOptions.EffectiveRebaselineAfter"/>.</summary>
    public bool Observe(in DriftFigures figures, DateTimeOffset now, DriftOptions options)
    {
        // No call or probe since the last step: nothing new to say, either way.
        if (figures.FreshSamples == 0)
        {
            return false;
        }

        var latency = figures.LatencyMs;
        var probe = figures.ProbeAge <= BaselineDriftPolicy.ProbeMaxAge ? figures.ProbeLatencyMs : null;
        var rose = Rose(ref _latencyMs, latency, options.RecoveryRatio) | Rose(ref _probeMs, probe, options.RecoveryRatio);
        var erring = figures is { ErrorRate: { } rate, BaselineErrorRate: { } baseline } && rate - baseline > options.ErrorRateIncrease / 2;
        if (rose || erring || _since is null)
        {
            _since = now;
            return false;
        }

        if (now - _since.Value < options.EffectiveRebaselineAfter || (latency is null && probe is null))
        {
            return false;
        }

        // The level now, which may have eased below the one it rose to.
        _latencyMs = latency ?? _latencyMs;
        _probeMs = probe ?? _probeMs;
        return true;
    }

    /// <summary>Forgets the level: the provider is healthy again, or has just been re-baselined.</summary>
    public void Reset() => this = default;

    // A first reading, or one past ratio × the level: the new level, and the clock starts again.
    private static bool Rose(ref double? level, double? now, double ratio)
    {
        if (now is not { } value || (level is { } was && value <= was * ratio))
        {
            return false;
        }

        level = value;
        return true;
    }
}

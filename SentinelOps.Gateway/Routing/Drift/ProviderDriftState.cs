namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>
/// One provider's drift: fast and baseline averages of its call latency and error rate (fed by
/// <see cref="DriftTrackingChatClient"/>), its probe latencies (fed by the monitor's reports), and the traffic weight
/// and state that <see cref="ProviderDriftUpdater"/> alone writes.
/// </summary>
/// <remarks>
/// Thread-safe. A request reads <see cref="Weight"/> without a lock; recording a call is O(1), one short lock, no
/// allocation. The baselines stop learning while the provider is not <see cref="DriftState.Healthy"/>, so a drift is
/// judged against what the provider was before it, not against the drift itself.
/// </remarks>
public sealed class ProviderDriftState
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _fastTau;
    private readonly double _baselineTau;

    private DecayingAverage _latency;
    private DecayingAverage _baselineLatency;
    private DecayingAverage _errors;
    private DecayingAverage _baselineErrors;
    private DecayingAverage _baselineProbeLatency;
    private double? _probeLatencyMs;
    private long _fresh;

    private double _weight = 1;
    private DriftState _state;
    private string? _reason;
    private DateTimeOffset? _since;

    /// <summary>Creates the state of a provider with no history, at full weight.</summary>
    public ProviderDriftState(DriftOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _fastTau = options.FastWindow.TotalSeconds;
        _baselineTau = options.BaselineWindow.TotalSeconds;
    }

    /// <summary>Its share of the requests that would put it first, 0–1 (1 unless drift is draining it).</summary>
    public double Weight => Volatile.Read(ref _weight);

    /// <summary>Its state, why, and since when; with its weight, as one consistent reading.</summary>
    public (DriftState State, double Weight, string? Reason, DateTimeOffset? Since) Status
    {
        get
        {
            lock (_gate)
            {
                return (_state, _weight, _reason, _since);
            }
        }
    }

    /// <summary>A call the provider answered: <paramref name="latency"/> to its first token (or whole answer).</summary>
    public void RecordSuccess(TimeSpan latency) => Record(latency.TotalMilliseconds, error: false);

    /// <summary>A call that failed because of the provider.</summary>
    public void RecordFailure() => Record(latencyMs: null, error: true);

    /// <summary>A probe latency the monitor reported for the provider.</summary>
    public void RecordProbe(TimeSpan latency)
    {
        var now = Now();
        lock (_gate)
        {
            _probeLatencyMs = latency.TotalMilliseconds;
            _fresh++;
            if (_state == DriftState.Healthy)
            {
                _baselineProbeLatency.Add(latency.TotalMilliseconds, now, _baselineTau);
            }
        }
    }

    /// <summary>The averages now.</summary>
    /// <param name="takeFresh">Whether to start counting fresh samples afresh (the updater does, once per step).</param>
    public DriftFigures Read(bool takeFresh = false)
    {
        var now = Now();
        lock (_gate)
        {
            var fresh = _fresh;
            if (takeFresh)
            {
                _fresh = 0;
            }

            return new DriftFigures(
                _latency.Mean,
                _baselineLatency.Mean,
                _errors.Mean,
                _baselineErrors.Mean,
                _latency.Weight(now, _fastTau),
                _errors.Weight(now, _fastTau),
                _baselineErrors.Weight(now, _baselineTau),
                fresh,
                _probeLatencyMs,
                _baselineProbeLatency.Mean,
                _baselineProbeLatency.Weight(now, _baselineTau));
        }
    }

    /// <summary>Moves the provider to <paramref name="state"/> at <paramref name="weight"/>; only <see cref="ProviderDriftUpdater"/> calls it.</summary>
    internal void Move(DriftState state, double weight, string? reason, DateTimeOffset? since)
    {
        lock (_gate)
        {
            _state = state;
            _reason = reason;
            _since = since;
            Volatile.Write(ref _weight, weight);
        }
    }

    private void Record(double? latencyMs, bool error)
    {
        var now = Now();
        lock (_gate)
        {
            _fresh++;
            _errors.Add(error ? 1 : 0, now, _fastTau);
            if (latencyMs is { } ms)
            {
                _latency.Add(ms, now, _fastTau);
            }

            if (_state != DriftState.Healthy)
            {
                return;
            }

            _baselineErrors.Add(error ? 1 : 0, now, _baselineTau);
            if (latencyMs is { } baselineMs)
            {
                _baselineLatency.Add(baselineMs, now, _baselineTau);
            }
        }
    }

    private double Now() => (double)_timeProvider.GetTimestamp() / _timeProvider.TimestampFrequency;
}

namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>
/// One provider's drift: fast averages of its call latency (geometric: a few outliers, a cold start, barely move it,
/// and drift is a ratio) and error rate (fed by <see cref="DriftTrackingChatClient"/>),
/// the latest probe latency (fed by the monitor's reports), their slow baselines, and the traffic weight and state that
/// <see cref="ProviderDriftUpdater"/> alone writes.
/// </summary>
/// <remarks>
/// <para>Thread-safe. A request reads <see cref="Weight"/> without a lock; recording a call is O(1), one short lock, no
/// allocation.</para>
/// <para>The baselines learn once per step, from the fast averages of the step before the last, each weighted by the
/// calls it stood for: the interval being judged is never part of its own baseline, so a drift is measured against
/// what the provider was before it. They learn only while the provider is <see cref="DriftState.Healthy"/>, or are
/// replaced at once when a drained provider has settled at a new level (<see cref="Rebaseline"/>).</para>
/// </remarks>
public sealed class ProviderDriftState
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly double _fastTau;
    private readonly double _baselineTau;

    private DecayingAverage _latency;
    private DecayingAverage _errors;
    private DecayingAverage _baselineLatency;
    private DecayingAverage _baselineErrors;
    private DecayingAverage _baselineProbeLatency;
    private double? _probeLatencyMs;
    private double _probeAt;
    private long _answers;
    private long _calls;
    private long _probes;
    private Interval? _judged;
    private Interval? _pending;

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
        Tracked = options.Enabled;
        _fastTau = options.FastWindow.TotalSeconds;
        _baselineTau = options.BaselineWindow.TotalSeconds;
    }

    /// <summary>Whether drift draining is on (<see cref="DriftOptions.Enabled"/>): its pipeline then reports each attempt here.</summary>
    public bool Tracked { get; }

    /// <summary>Its share of the requests that would put it first, 0–1 (1 unless drift is draining it).</summary>
    public double Weight => Volatile.Read(ref _weight);

    /// <summary>Its state, weight, why, and since when, as one consistent reading.</summary>
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
    public void RecordSuccess(TimeSpan latency)
    {
        // Outside the lock: every attempt takes it, so it holds only the two additions.
        var now = Now();
        var logLatency = Log(latency.TotalMilliseconds);
        lock (_gate)
        {
            _answers++;
            _calls++;
            _errors.Add(0, now, _fastTau);
            _latency.Add(logLatency, now, _fastTau);
        }
    }

    /// <summary>A call that failed because of the provider.</summary>
    public void RecordFailure()
    {
        var now = Now();
        lock (_gate)
        {
            _calls++;
            _errors.Add(1, now, _fastTau);
        }
    }

    /// <summary>A probe latency the monitor reported for the provider.</summary>
    public void RecordProbe(TimeSpan latency)
    {
        var now = Now();
        lock (_gate)
        {
            // The baseline takes the previous probe, so the latest is judged against those before it.
            if (_state == DriftState.Healthy && _probeLatencyMs is { } previous)
            {
                _baselineProbeLatency.Add(Log(previous), now, _baselineTau);
            }

            _probeLatencyMs = latency.TotalMilliseconds;
            _probeAt = now;
            _probes++;
        }
    }

    /// <summary>The averages now.</summary>
    public DriftFigures Read()
    {
        var now = Now();
        lock (_gate)
        {
            return Figures(now);
        }
    }

    /// <summary>The averages for a step: fresh samples are those since the last step, and are counted afresh.</summary>
    internal DriftFigures BeginStep()
    {
        var now = Now();
        lock (_gate)
        {
            var figures = Figures(now);
            _judged = new Interval(_latency.Mean, _answers, _errors.Mean, _calls);
            (_answers, _calls, _probes) = (0, 0, 0);
            return figures;
        }
    }

    /// <summary>Ends a step: moves the provider to <paramref name="state"/> at <paramref name="weight"/>, and while it is
    /// healthy, teaches the baselines the interval judged before this one. Only <see cref="ProviderDriftUpdater"/> calls it.</summary>
    internal void EndStep(DriftState state, double weight, string? reason, DateTimeOffset? since)
    {
        var now = Now();
        lock (_gate)
        {
            _state = state;
            _reason = reason;
            _since = since;
            Volatile.Write(ref _weight, weight);
            if (state != DriftState.Healthy)
            {
                _pending = null;
                return;
            }

            if (_pending is { } learnt)
            {
                if (learnt.LogLatency is { } latency && learnt.Answers > 0)
                {
                    _baselineLatency.Add(latency, now, _baselineTau, learnt.Answers);
                }

                if (learnt.ErrorRate is { } errors && learnt.Calls > 0)
                {
                    _baselineErrors.Add(errors, now, _baselineTau, learnt.Calls);
                }
            }

            _pending = _judged;
        }
    }

    /// <summary>Takes <paramref name="latencyMs"/> (and <paramref name="probeMs"/>) as the provider's new baselines, with
    /// the weight the old ones had: a drained provider that settled at a new level. Only <see cref="ProviderDriftUpdater"/> calls it.</summary>
    internal void Rebaseline(double? latencyMs, double? probeMs)
    {
        var now = Now();
        lock (_gate)
        {
            Reset(ref _baselineLatency, latencyMs, now, minWeight: 1);
            Reset(ref _baselineProbeLatency, probeMs, now, minWeight: 3);
        }
    }

    private void Reset(ref DecayingAverage baseline, double? ms, double now, double minWeight)
    {
        if (ms is { } value)
        {
            var weight = Math.Max(baseline.Weight(now, _baselineTau), minWeight);
            baseline = default;
            baseline.Add(Log(value), now, _baselineTau, weight);
        }
    }

    // Must be called under _gate.
    private DriftFigures Figures(double now) => new(
        Exp(_latency.Mean),
        Exp(_baselineLatency.Mean),
        _errors.Mean,
        _baselineErrors.Mean,
        _latency.Weight(now, _fastTau),
        _errors.Weight(now, _fastTau),
        _baselineErrors.Weight(now, _baselineTau),
        _calls + _probes,
        _probeLatencyMs,
        Exp(_baselineProbeLatency.Mean),
        _baselineProbeLatency.Weight(now, _baselineTau),
        TimeSpan.FromSeconds(Math.Max(now - _probeAt, 0)));

    // Latencies are averaged as logarithms (a tenth of a millisecond at least, so 0 stays finite).
    private static double Log(double ms) => Math.Log(Math.Max(ms, 0.1));

    private static double? Exp(double? log) => log is { } value ? Math.Exp(value) : null;

    private double Now() => (double)_timeProvider.GetTimestamp() / _timeProvider.TimestampFrequency;

    // One step's fast figures and the calls behind them.
    private readonly record struct Interval(double? LogLatency, long Answers, double? ErrorRate, long Calls);
}

using System.Globalization;
using Microsoft.Extensions.Options;
using SentinelOps.Shared.Events;

namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>
/// The one writer of every provider's drift weight (YARP's health-updater shape): each
/// <see cref="DriftOptions.StepInterval"/> it asks <see cref="BaselineDriftPolicy"/> about each provider and moves its
/// weight one step: down through <see cref="DriftOptions.Steps"/> while it drifts, back up while it is healthy again.
/// Entering <see cref="DriftState.Degraded"/> records a <c>provider_degraded</c> incident; regaining full weight records
/// <c>provider_recovered</c> (both <c>source: gateway</c>, which the monitor-report applier never acts on).
/// A drained provider whose latency has settled at a new level (<see cref="SettledLevel"/>) is re-baselined: that level
/// becomes its baseline and it climbs back like any provider healthy again.
/// </summary>
/// <remarks>Steps run on the timer, one at a time; the request path only reads the weights.</remarks>
internal sealed partial class ProviderDriftUpdater : IHostedService, IDisposable
{
    private readonly IReadOnlyList<ProviderClient> _providers;
    private readonly DriftOptions _options;
    private readonly BaselineDriftPolicy _policy;
    private readonly double[] _weights;
    private readonly int[] _levels;
    private readonly SettledLevel[] _settled;
    private readonly string?[] _rebaselined;
    private readonly ISentinelEventSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _stepping = new();
    private ITimer? _timer;

    /// <summary>Creates the updater over <paramref name="providers"/>' drift states.</summary>
    internal ProviderDriftUpdater(
        IReadOnlyList<ProviderClient> providers, DriftOptions options, ISentinelEventSink sink, TimeProvider timeProvider, ILogger<ProviderDriftUpdater> logger)
    {
        _providers = providers;
        _options = options;
        _policy = new BaselineDriftPolicy(options);
        _weights = [1, .. options.ParsedSteps()];
        _levels = new int[providers.Count];
        _settled = new SettledLevel[providers.Count];
        _rebaselined = new string?[providers.Count];
        _sink = sink;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Creates the updater over the chain's providers.</summary>
    public ProviderDriftUpdater(
        ProviderChain chain, IOptions<DriftOptions> options, ISentinelEventSink sink, TimeProvider timeProvider, ILogger<ProviderDriftUpdater> logger)
        : this(chain.Providers, options.Value, sink, timeProvider, logger)
    {
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Enabled)
        {
            _timer = _timeProvider.CreateTimer(static state => ((ProviderDriftUpdater)state!).Step(), this, _options.StepInterval, _options.StepInterval);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _timer = null;
        return Task.CompletedTask;
    }

    /// <summary>Judges every provider once and moves each weight by at most one step.</summary>
    public void Step()
    {
        lock (_stepping)
        {
            for (var i = 0; i < _providers.Count; i++)
            {
                try
                {
                    Step(i, _providers[i]);
                }
                catch (Exception ex)
                {
                    // On a timer: an exception here would end the process. The next step tries again.
                    LogStepFailed(ex, _providers[i].Name);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _timer?.Dispose();

    private void Step(int index, ProviderClient provider)
    {
        var drift = provider.Drift;
        var (state, _, reason, since) = drift.Status;
        var figures = drift.BeginStep();
        var verdict = _policy.Evaluate(figures, state);
        var level = _levels[index];
        var now = _timeProvider.GetUtcNow();
        if (state != DriftState.Healthy && _settled[index].Observe(figures, now, _options))
        {
            verdict = Rebaseline(index, provider, figures);
        }

        var (nextState, nextLevel, nextReason, nextSince) = verdict.Kind switch
        {
            DriftVerdictKind.Drifted => (DriftState.Degraded, Math.Min(level + 1, _weights.Length - 1), verdict.Reason, since ?? now),
            DriftVerdictKind.Healthy when level > 1 => (DriftState.Recovering, level - 1, _rebaselined[index] ?? verdict.Reason, since),
            DriftVerdictKind.Healthy => (DriftState.Healthy, 0, null, null),
            _ => (state, level, reason, since),
        };

        _levels[index] = nextLevel;
        drift.EndStep(nextState, _weights[nextLevel], nextReason, nextSince);
        if (nextLevel > level)
        {
            LogDrained(provider.Name, _weights[nextLevel] * 100, verdict.Reason);
        }
        else if (nextLevel < level)
        {
            LogGivenBack(provider.Name, _weights[nextLevel] * 100, verdict.Reason);
        }

        if (state == DriftState.Healthy && nextState == DriftState.Degraded)
        {
            Record(IncidentType.ProviderDegraded, provider.Name, now, string.Create(
                CultureInfo.InvariantCulture, $"{provider.Name} drifted: {verdict.Reason}; traffic weight {_weights[nextLevel] * 100:0.#}%"));
        }
        else if (state != DriftState.Healthy && nextState == DriftState.Healthy)
        {
            var why = _rebaselined[index] is { } rebaselined ? rebaselined : string.Concat("no longer drifting: ", verdict.Reason);
            Record(IncidentType.ProviderRecovered, provider.Name, now, string.Create(
                CultureInfo.InvariantCulture, $"{provider.Name} {why}; full traffic restored after {(now - (since ?? now)).TotalSeconds:0} s"));
        }

        if (nextState == DriftState.Healthy)
        {
            _settled[index].Reset();
            _rebaselined[index] = null;
        }
    }

    // The level it settled at becomes its baseline: healthy against it, it is given back in the usual steps.
    private DriftVerdict Rebaseline(int index, ProviderClient provider, in DriftFigures figures)
    {
        var (latency, probe) = _settled[index].Level;
        _settled[index].Reset();
        provider.Drift.Rebaseline(latency, probe);
        var note = latency is { } ms
            ? string.Create(CultureInfo.InvariantCulture, $"re-baselined: latency settled at {ms:0} ms (was {figures.BaselineLatencyMs:0} ms)")
            : string.Create(CultureInfo.InvariantCulture, $"re-baselined: probe latency settled at {probe:0} ms (was {figures.BaselineProbeLatencyMs:0} ms)");
        _rebaselined[index] = note;
        LogRebaselined(provider.Name, note);
        return new DriftVerdict(DriftVerdictKind.Healthy, note);
    }

    private void Record(IncidentType type, string provider, DateTimeOffset now, string detail) =>
        _sink.RecordIncident(new Incident(string.Empty, type, provider, now, detail, Source: "gateway"));

    [LoggerMessage(Level = LogLevel.Error, Message = "Drift step failed for provider {Provider}")]
    private partial void LogStepFailed(Exception exception, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} drifting: traffic weight {WeightPct}% ({Reason})")]
    private partial void LogDrained(string provider, double weightPct, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} {Reason}")]
    private partial void LogRebaselined(string provider, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} healthy again: traffic weight {WeightPct}% ({Reason})")]
    private partial void LogGivenBack(string provider, double weightPct, string reason);
}

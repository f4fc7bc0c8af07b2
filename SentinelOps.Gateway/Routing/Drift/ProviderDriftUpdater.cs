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
/// </summary>
/// <remarks>Steps run on the timer, one at a time; the request path only reads the weights.</remarks>
internal sealed partial class ProviderDriftUpdater : IHostedService, IDisposable
{
    private readonly IReadOnlyList<ProviderClient> _providers;
    private readonly DriftOptions _options;
    private readonly BaselineDriftPolicy _policy;
    private readonly double[] _weights;
    private readonly int[] _levels;
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
        var verdict = _policy.Evaluate(drift.BeginStep(), state);
        var level = _levels[index];
        var now = _timeProvider.GetUtcNow();
        var (nextState, nextLevel, nextReason, nextSince) = verdict.Kind switch
        {
            DriftVerdictKind.Drifted => (DriftState.Degraded, Math.Min(level + 1, _weights.Length - 1), verdict.Reason, since ?? now),
            DriftVerdictKind.Healthy when level > 1 => (DriftState.Recovering, level - 1, verdict.Reason, since),
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
            Record(IncidentType.ProviderRecovered, provider.Name, now, string.Create(
                CultureInfo.InvariantCulture, $"{provider.Name} no longer drifting: {verdict.Reason}; full traffic restored after {(now - (since ?? now)).TotalSeconds:0} s"));
        }
    }

    private void Record(IncidentType type, string provider, DateTimeOffset now, string detail) =>
        _sink.RecordIncident(new Incident(string.Empty, type, provider, now, detail, Source: "gateway"));

    [LoggerMessage(Level = LogLevel.Error, Message = "Drift step failed for provider {Provider}")]
    private partial void LogStepFailed(Exception exception, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} drifting: traffic weight {WeightPct}% ({Reason})")]
    private partial void LogDrained(string provider, double weightPct, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} healthy again: traffic weight {WeightPct}% ({Reason})")]
    private partial void LogGivenBack(string provider, double weightPct, string reason);
}

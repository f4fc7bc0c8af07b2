using Microsoft.Extensions.Options;
using SentinelOps.Monitor.Health;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Probing;
using SentinelOps.Shared.Providers;
using SentinelOps.Shared.Telemetry;

namespace SentinelOps.Monitor.Probing;

/// <summary>
/// One round of health checks: probes every provider at once, updates each one's health, and reports: a
/// <c>provider_status</c> event per provider (which the sink also stores as its latest status), an incident per change of state, then one
/// <c>metrics</c> event.
/// </summary>
/// <remarks>Not thread-safe: <see cref="MonitorWorker"/> runs one cycle at a time.</remarks>
internal sealed partial class ProbeCycle
{
    private readonly ProviderProber _prober;
    private readonly ProviderHealthOptions _options;
    private readonly ISentinelEventSink _events;
    private readonly ProbeMetrics _probeMetrics;
    private readonly IMetricsPayloadSource _metrics;
    private readonly ProbeCycleClock _clock;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ProviderHealthTracker[] _trackers;

    public ProbeCycle(
        ProviderProber prober,
        IOptions<ProvidersOptions> providers,
        IOptions<ProviderHealthOptions> options,
        ISentinelEventSink events,
        ProbeMetrics probeMetrics,
        IMetricsPayloadSource metrics,
        ProbeCycleClock clock,
        TimeProvider timeProvider,
        ILogger<ProbeCycle> logger)
    {
        _prober = prober;
        _options = options.Value;
        _events = events;
        _probeMetrics = probeMetrics;
        _metrics = metrics;
        _clock = clock;
        _timeProvider = timeProvider;
        _logger = logger;
        var policy = new ProviderHealthPolicy(_options);
        _trackers = providers.Value.InPriorityOrder.Select(p => new ProviderHealthTracker(p, policy, _options)).ToArray();
    }

    /// <summary>The providers' names, in priority order.</summary>
    public IEnumerable<string> Providers => _trackers.Select(t => t.Provider.Name);

    /// <summary>The providers' current health, in priority order (no entry before a provider's first probe).</summary>
    public IReadOnlyDictionary<string, ProviderHealth> Statuses =>
        _trackers.Where(t => t.Status is not null).ToDictionary(t => t.Provider.Name, t => t.Status!.Value);

    /// <summary>Starts each provider from its last reported status (before the first cycle).</summary>
    public void Resume(IReadOnlyDictionary<string, ProviderHealth> lastReported)
    {
        foreach (var tracker in _trackers)
        {
            if (lastReported.TryGetValue(tracker.Provider.Name, out var status))
            {
                tracker.Resume(status);
            }
        }
    }

    /// <summary>Probes every provider once and reports the results.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var timeout = _options.EffectiveProbeTimeout;
        var results = await Task.WhenAll(_trackers.Select(t => ProbeAsync(t.Provider, timeout, cancellationToken))).ConfigureAwait(false);

        for (var i = 0; i < _trackers.Length; i++)
        {
            var update = _trackers[i].Update(results[i]);
            var report = update.Report;
            LogStatus(report.Provider, report.Status, report.LatencyMs, report.SuccessRatePct, report.Error);
            _probeMetrics.RecordProbe(report.Provider, HealthName(report.Status), results[i].Latency);
            _events.Publish(EventTypes.ProviderStatus, report); // the sink also keeps it as the provider's latest status

            foreach (var incident in update.Incidents)
            {
                var previous = update.Previous?.ToString() ?? "unknown";
                if (incident.Type == IncidentType.ProviderRecovered)
                {
                    LogRecovered(incident.Type, report.Provider, previous, report.Status, incident.Detail, incident.Id);
                }
                else
                {
                    LogIncident(incident.Type, report.Provider, previous, report.Status, incident.Detail, incident.Id);
                }

                _events.RecordIncident(incident);
            }
        }

        if (await _metrics.ReadAsync(cancellationToken).ConfigureAwait(false) is { } metrics)
        {
            _events.Publish(EventTypes.Metrics, metrics);
        }

        _clock.CycleCompleted();
        LogCycleCompleted(_trackers.Length, _clock.Cycles);
    }

    // One provider's probe never costs the others their results: an exception the prober did not expect is this
    // provider's failed probe, described by its type only (its message may carry a URL, a header or a key).
    private async Task<ProbeResult> ProbeAsync(ProviderOptions provider, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetTimestamp();
        try
        {
            return await _prober.ProbeAsync(provider, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var error = $"probe failed unexpectedly ({ex.GetType().Name})";
            LogProbeFailedUnexpectedly(provider.Name, error);
            return new ProbeResult(provider.Name, Success: false, _timeProvider.GetElapsedTime(started), _timeProvider.GetUtcNow(), error);
        }
    }

    private static string HealthName(ProviderHealth health) => health switch
    {
        ProviderHealth.Healthy => "healthy",
        ProviderHealth.Degraded => "degraded",
        _ => "down",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Provider {Provider} is {Status} (latency {LatencyMs} ms, success rate {SuccessRatePct}%, error {Error})")]
    private partial void LogStatus(string provider, ProviderHealth status, double? latencyMs, double successRatePct, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentType}: provider {Provider} went from {Previous} to {Status}: {Detail} (incident {IncidentId})")]
    private partial void LogIncident(IncidentType incidentType, string provider, string previous, ProviderHealth status, string detail, string incidentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentType}: provider {Provider} went from {Previous} to {Status}: {Detail} (incident {IncidentId})")]
    private partial void LogRecovered(IncidentType incidentType, string provider, string previous, ProviderHealth status, string detail, string incidentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Probing {Provider} failed unexpectedly: {Error}; counted as a failed probe")]
    private partial void LogProbeFailedUnexpectedly(string provider, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probe cycle {Cycle} completed for {ProviderCount} provider(s)")]
    private partial void LogCycleCompleted(int providerCount, long cycle);
}

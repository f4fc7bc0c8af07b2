using Microsoft.Extensions.Options;
using SentinelOps.Monitor.Health;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Probing;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Monitor.Probing;

/// <summary>
/// One round of health checks: probes every provider at once, updates each one's health, and reports: a
/// <c>provider_status</c> event and the stored latest status per provider, an incident per change of state, then one
/// <c>metrics</c> event.
/// </summary>
/// <remarks>Not thread-safe: <see cref="MonitorWorker"/> runs one cycle at a time.</remarks>
internal sealed partial class ProbeCycle
{
    private readonly ProviderProber _prober;
    private readonly ProviderHealthOptions _options;
    private readonly ISentinelEventSink _events;
    private readonly IProviderStatusStore _statusStore;
    private readonly IMetricsPayloadSource _metrics;
    private readonly ProbeCycleClock _clock;
    private readonly ILogger _logger;
    private readonly ProviderHealthTracker[] _trackers;

    public ProbeCycle(
        ProviderProber prober,
        IOptions<ProvidersOptions> providers,
        IOptions<ProviderHealthOptions> options,
        ISentinelEventSink events,
        IProviderStatusStore statusStore,
        IMetricsPayloadSource metrics,
        ProbeCycleClock clock,
        ILogger<ProbeCycle> logger)
    {
        _prober = prober;
        _options = options.Value;
        _events = events;
        _statusStore = statusStore;
        _metrics = metrics;
        _clock = clock;
        _logger = logger;
        var policy = new ProviderHealthPolicy(_options);
        _trackers = providers.Value.InPriorityOrder.Select(p => new ProviderHealthTracker(p, policy, _options)).ToArray();
    }

    /// <summary>The providers' current health, in priority order (no entry before a provider's first probe).</summary>
    public IReadOnlyDictionary<string, ProviderHealth> Statuses =>
        _trackers.Where(t => t.Status is not null).ToDictionary(t => t.Provider.Name, t => t.Status!.Value);

    /// <summary>Probes every provider once and reports the results.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var timeout = _options.EffectiveProbeTimeout;
        var results = await Task.WhenAll(_trackers.Select(t => _prober.ProbeAsync(t.Provider, timeout, cancellationToken))).ConfigureAwait(false);

        for (var i = 0; i < _trackers.Length; i++)
        {
            var update = _trackers[i].Update(results[i]);
            var report = update.Report;
            LogStatus(report.Provider, report.Status, report.LatencyMs, report.SuccessRatePct, report.Error);
            _events.Publish(EventTypes.ProviderStatus, report);
            _statusStore.Save(report);

            foreach (var incident in update.Incidents)
            {
                LogIncident(incident.Type, report.Provider, update.Previous?.ToString() ?? "unknown", report.Status, incident.Detail, incident.Id);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Provider {Provider} is {Status} (latency {LatencyMs} ms, success rate {SuccessRatePct}%, error {Error})")]
    private partial void LogStatus(string provider, ProviderHealth status, double? latencyMs, double successRatePct, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentType}: provider {Provider} went from {Previous} to {Status}: {Detail} (incident {IncidentId})")]
    private partial void LogIncident(IncidentType incidentType, string provider, string previous, ProviderHealth status, string detail, string incidentId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probe cycle {Cycle} completed for {ProviderCount} provider(s)")]
    private partial void LogCycleCompleted(int providerCount, long cycle);
}

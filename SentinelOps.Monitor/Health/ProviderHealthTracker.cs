using SentinelOps.Shared.Events;
using SentinelOps.Shared.Probing;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Monitor.Health;

/// <summary>
/// One provider's health as the monitor sees it: its probe statistics and current status. It is the one writer of that
/// state (as YARP's health updater is); <see cref="ProviderHealthPolicy"/> decides, this applies and reports the change.
/// </summary>
/// <remarks>Not thread-safe: each probe cycle updates every tracker once, from one loop.</remarks>
internal sealed class ProviderHealthTracker(ProviderOptions provider, ProviderHealthPolicy policy, ProviderHealthOptions options)
{
    /// <summary>The incident <see cref="Incident.Source"/> of everything the monitor records.</summary>
    public const string Source = "monitor";

    private readonly ProbeStatistics _statistics = new(options.WindowSize, options.LatencySmoothing);

    /// <summary>The provider tracked.</summary>
    public ProviderOptions Provider { get; } = provider;

    /// <summary>Its status after the latest probe; <see langword="null"/> before the first.</summary>
    public ProviderHealth? Status { get; private set; }

    /// <summary>Starts from a status reported before this process started (by an earlier monitor), if there is none yet.</summary>
    public void Resume(ProviderHealth lastReported) => Status ??= lastReported;

    /// <summary>Takes in one probe's result, reclassifies the provider and says which incidents the change records.</summary>
    public ProviderHealthUpdate Update(ProbeResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _statistics.Record(result);
        var previous = Status;
        var assessment = policy.Assess(_statistics, previous);
        if (previous == ProviderHealth.Down && assessment.Status != ProviderHealth.Down)
        {
            // The outage is on record as one incident; from here the provider is judged by what it does now, not
            // reported as "partly failing" until its outage probes have left the window.
            _statistics.KeepNewest(_statistics.ConsecutiveSuccesses);
            assessment = policy.Assess(_statistics, previous);
        }

        Status = assessment.Status;
        var report = new ProviderStatusReport(
            Provider.Name,
            assessment.Status,
            Round(_statistics.EwmaLatencyMs),
            Round(_statistics.P95LatencyMs),
            _statistics.SuccessRatePct,
            result.CheckedAt,
            result.Error);
        return new ProviderHealthUpdate(report, previous, IncidentsFor(previous, assessment, result));
    }

    private Incident[] IncidentsFor(ProviderHealth? previous, HealthAssessment now, ProbeResult result)
    {
        return (previous, now.Status) switch
        {
            _ when previous == now.Status => [],
            (null, ProviderHealth.Healthy) => [],
            (_, ProviderHealth.Down) => [Create(IncidentType.ProviderDown, now.Reason)],
            (ProviderHealth.Down, ProviderHealth.Degraded) =>
            [
                // Answering again (the gateway lifts its isolation on "recovered"), but not well: both are true.
                Create(IncidentType.ProviderRecovered, "answering again after an outage"),
                Create(IncidentType.ProviderDegraded, now.Reason),
            ],
            (_, ProviderHealth.Degraded) => [Create(IncidentType.ProviderDegraded, now.Reason)],
            _ => [Create(IncidentType.ProviderRecovered, previous == ProviderHealth.Down ? $"answering again after an outage; {now.Reason}" : now.Reason)],
        };

        Incident Create(IncidentType type, string detail) =>
            new(Guid.NewGuid().ToString("N"), type, Provider.Name, result.CheckedAt, detail, result.TraceId, Source: Source);
    }

    private static double? Round(double? milliseconds) => milliseconds is { } value ? Math.Round(value, 1) : null;
}

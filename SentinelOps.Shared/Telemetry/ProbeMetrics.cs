using System.Diagnostics.Metrics;

namespace SentinelOps.Shared.Telemetry;

/// <summary>
/// The monitor's instruments, on the <c>SentinelOps.Monitor</c> meter (ServiceDefaults exports <c>SentinelOps.*</c>):
/// <c>sentinel.probe.duration</c>, a histogram of probe latency in seconds tagged <c>provider</c> and
/// <c>outcome</c> (<c>healthy</c>, <c>degraded</c>, <c>down</c>).
/// </summary>
/// <remarks>Thread-safe; register as a singleton (<c>AddSentinelEvents</c> does).</remarks>
public sealed class ProbeMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "SentinelOps.Monitor";

    /// <summary>The probe latency histogram's name.</summary>
    public const string ProbeDurationName = "sentinel.probe.duration";

    private readonly Histogram<double> _probeDuration;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public ProbeMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _probeDuration = meter.CreateHistogram(
            ProbeDurationName,
            unit: "s",
            description: "Latency of provider health probes.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    /// <summary>Records one probe of <paramref name="provider"/>.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="outcome">Its classification after the probe: <c>healthy</c>, <c>degraded</c> or <c>down</c>.</param>
    /// <param name="duration">How long the probe took.</param>
    public void RecordProbe(string provider, string outcome, TimeSpan duration) =>
        _probeDuration.Record(
            duration.TotalSeconds,
            new KeyValuePair<string, object?>("provider", provider),
            new KeyValuePair<string, object?>("outcome", outcome));
}

using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Shared.Probing;

/// <summary>
/// How often providers are probed and how probe results are classified (configuration section <c>Monitor</c>;
/// the seed's <c>HEALTH_CHECK_INTERVAL_SECONDS</c> maps to <see cref="HealthCheckInterval"/>).
/// </summary>
public sealed class ProviderHealthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Monitor";

    /// <summary>Default of <see cref="HealthCheckInterval"/>: the seed's 15 s.</summary>
    public static readonly TimeSpan DefaultHealthCheckInterval = TimeSpan.FromSeconds(15);

    /// <summary>Default of <see cref="ProbeTimeout"/>.</summary>
    public static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Default of <see cref="SlowThreshold"/>.</summary>
    public static readonly TimeSpan DefaultSlowThreshold = TimeSpan.FromSeconds(2);

    /// <summary>Time between the starts of two probe cycles.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan HealthCheckInterval { get; set; } = DefaultHealthCheckInterval;

    /// <summary>How long one probe may take; never more than <see cref="HealthCheckInterval"/> (see <see cref="EffectiveProbeTimeout"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan ProbeTimeout { get; set; } = DefaultProbeTimeout;

    /// <summary>A provider whose smoothed probe latency is above this is <c>degraded</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:05:00")]
    public TimeSpan SlowThreshold { get; set; } = DefaultSlowThreshold;

    /// <summary>
    /// Consecutive failed probes that make a provider <c>down</c>. Default 1: a probe is already a deliberate, timed,
    /// retry-free call, and reporting an outage one interval late costs a client request on every gateway replica.
    /// Fewer failures than this make it <c>degraded</c> (partly failing).
    /// </summary>
    [Range(1, 100)]
    public int DownAfterFailures { get; set; } = 1;

    /// <summary>Consecutive successful probes a <c>down</c> provider needs before it counts as recovered.</summary>
    [Range(1, 100)]
    public int RecoverAfterSuccesses { get; set; } = 1;

    /// <summary>A provider whose success rate over the window is below this percentage is <c>degraded</c>.</summary>
    [Range(0.0, 100.0)]
    public double DegradedBelowSuccessRatePct { get; set; } = 90;

    /// <summary>How many recent probes the success rate and the p95 latency are computed over.</summary>
    [Range(1, 1000)]
    public int WindowSize { get; set; } = 20;

    /// <summary>Weight of the newest latency in the moving average (EWMA), between 0 (never moves) and 1 (no smoothing).</summary>
    [Range(0.01, 1.0)]
    public double LatencySmoothing { get; set; } = 0.3;

    /// <summary>The probe timeout actually used: <see cref="ProbeTimeout"/>, capped at the interval so cycles never overlap.</summary>
    public TimeSpan EffectiveProbeTimeout => ProbeTimeout < HealthCheckInterval ? ProbeTimeout : HealthCheckInterval;
}

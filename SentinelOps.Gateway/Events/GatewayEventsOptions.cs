using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Events;

/// <summary>How the gateway records incidents and counters (section <c>Gateway:Events</c>).</summary>
public sealed class GatewayEventsOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Events";

    /// <summary>The default for <see cref="IncidentInterval"/>.</summary>
    public static readonly TimeSpan DefaultIncidentInterval = TimeSpan.FromSeconds(10);

    /// <summary>The default for <see cref="MetricsFlushInterval"/>.</summary>
    public static readonly TimeSpan DefaultMetricsFlushInterval = TimeSpan.FromSeconds(2);

    /// <summary>The default for <see cref="MetricsFlushTimeout"/>.</summary>
    public static readonly TimeSpan DefaultMetricsFlushTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The default for <see cref="ProviderStatusMaxAge"/>.</summary>
    public static readonly TimeSpan DefaultProviderStatusMaxAge = TimeSpan.FromMinutes(2);

    /// <summary>
    /// At most one <c>failover_triggered</c> (and one <c>all_providers_down</c>) incident per provider chain per interval;
    /// the others in the interval are counted and reported by the next one, or by a summary when the interval ends.
    /// An outage at 10 000 requests a second thus writes a handful of entries, not 10 000.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Gateway:Events:IncidentInterval must be between 100 ms and 1 h.")]
    public TimeSpan IncidentInterval { get; set; } = DefaultIncidentInterval;

    /// <summary>How often this replica adds its request counts to the Redis totals.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00", ErrorMessage = "Gateway:Events:MetricsFlushInterval must be between 50 ms and 10 min.")]
    public TimeSpan MetricsFlushInterval { get; set; } = DefaultMetricsFlushInterval;

    /// <summary>
    /// How long one counter flush waits for Redis before giving up; the batch is kept and retried by the next flush (at
    /// most once in Redis, even if the abandoned one lands late).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Gateway:Events:MetricsFlushTimeout must be between 100 ms and 1 min.")]
    public TimeSpan MetricsFlushTimeout { get; set; } = DefaultMetricsFlushTimeout;

    /// <summary>Provider status reports older than this (a monitor that stopped) do not isolate or close circuits.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Gateway:Events:ProviderStatusMaxAge must be between 1 s and 1 day.")]
    public TimeSpan ProviderStatusMaxAge { get; set; } = DefaultProviderStatusMaxAge;
}

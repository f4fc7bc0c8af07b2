using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Shared.Events;

/// <summary>How incidents and live events reach Redis (section <c>Sentinel:Events</c>).</summary>
public sealed class SentinelEventsOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Sentinel:Events";

    /// <summary>The default for <see cref="StreamMaxLength"/>: the seed's ring buffer of 500 incidents.</summary>
    public const int DefaultStreamMaxLength = 500;

    /// <summary>The default for <see cref="OutboxCapacity"/>.</summary>
    public const int DefaultOutboxCapacity = 10_000;

    /// <summary>The default for <see cref="LiveEventCapacity"/>.</summary>
    public const int DefaultLiveEventCapacity = 1_024;

    /// <summary>The default for <see cref="RetryInterval"/>.</summary>
    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>The default for <see cref="IdempotencyWindow"/>.</summary>
    public static readonly TimeSpan DefaultIdempotencyWindow = TimeSpan.FromDays(1);

    /// <summary>Approximate length the incident stream is trimmed to (<c>XADD … MAXLEN ~ N</c>).</summary>
    [Range(10, 1_000_000, ErrorMessage = "Sentinel:Events:StreamMaxLength must be between 10 and 1000000.")]
    public int StreamMaxLength { get; set; } = DefaultStreamMaxLength;

    /// <summary>
    /// Incidents held in memory while Redis is unreachable. When full, the oldest waiting incident is dropped (and
    /// counted); a process cannot buffer an unbounded outage.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Sentinel:Events:OutboxCapacity must be between 1 and 1000000.")]
    public int OutboxCapacity { get; set; } = DefaultOutboxCapacity;

    /// <summary>Live events waiting to be published. They are hints: when full, the oldest is dropped.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Sentinel:Events:LiveEventCapacity must be between 1 and 1000000.")]
    public int LiveEventCapacity { get; set; } = DefaultLiveEventCapacity;

    /// <summary>How long the writer waits before trying Redis again after a failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00", ErrorMessage = "Sentinel:Events:RetryInterval must be between 10 ms and 5 min.")]
    public TimeSpan RetryInterval { get; set; } = DefaultRetryInterval;

    /// <summary>
    /// How long Redis remembers that an incident (by its client-side id) was stored, so a retried write whose reply
    /// was lost is not stored twice. Must outlast any outage the outbox rides out.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00", ErrorMessage = "Sentinel:Events:IdempotencyWindow must be between 1 min and 30 days.")]
    public TimeSpan IdempotencyWindow { get; set; } = DefaultIdempotencyWindow;
}

using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Resilience;

/// <summary>How transient provider failures are retried on the same provider (section <c>Gateway:Retry</c>).</summary>
public sealed class RetryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Retry";

    /// <summary>Retries after the first attempt (default 2; 0 disables retrying).</summary>
    [Range(0, 10, ErrorMessage = "Gateway:Retry:MaxRetryAttempts must be between 0 and 10.")]
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>Back-off base: retry n waits a random time in [0, BaseDelay × 2^(n-1)] (full jitter; default 200 ms).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "Gateway:Retry:BaseDelay must be between 0 and 1 min.")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The longest the gateway waits before a retry, back-off or <c>Retry-After</c> alike (default 2 s). A provider that
    /// asks for longer is failed over instead: another provider answers sooner than waiting would.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Gateway:Retry:MaxDelay must be between 0 and 5 min.")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(2);
}

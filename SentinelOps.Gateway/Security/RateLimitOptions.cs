using System.ComponentModel.DataAnnotations;
using SentinelOps.Gateway.Metrics;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// Per-client request limits (section <c>Gateway:RateLimit</c>; the seed's <c>RATE_LIMIT_REQUESTS</c> and
/// <c>RATE_LIMIT_WINDOW_SECONDS</c>): a sliding window and a concurrency cap, each per key (per IP address when open).
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:RateLimit";

    /// <summary>Requests a client may make per <see cref="Window"/>.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Gateway:RateLimit:PermitLimit must be at least 1.")]
    public int PermitLimit { get; set; } = 100;

    /// <summary>The sliding window.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Gateway:RateLimit:Window must be between 1 s and 1 day.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Segments the window slides by (a request's permit returns one segment after the window passes).</summary>
    [Range(1, 600, ErrorMessage = "Gateway:RateLimit:SegmentsPerWindow must be between 1 and 600.")]
    public int SegmentsPerWindow { get; set; } = 6;

    /// <summary>Requests one client may have in progress at once (a stream counts until it ends).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Gateway:RateLimit:ConcurrencyLimit must be at least 1.")]
    public int ConcurrencyLimit { get; set; } = 32;
}

using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.Caching;

/// <summary>The exact-match response cache (<c>Gateway:Cache</c>).</summary>
public sealed class ResponseCacheOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Cache";

    /// <summary>Whether answers are cached at all (off by default: a cache changes what a caller sees).</summary>
    public bool Enabled { get; set; }

    /// <summary>How long an answer is served from the cache.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a cache read or write may take before the request goes on without it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(250);
}

using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway;

/// <summary>The gateway's request handling settings (section <c>Gateway</c>).</summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway";

    /// <summary>The default for <see cref="RequestTimeout"/>.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>One deadline for a whole request, across every provider tried.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Gateway:RequestTimeout must be between 1 s and 1 h.")]
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;
}

using System.ComponentModel.DataAnnotations;

namespace SentinelOps.Gateway.ChatClients;

/// <summary>How long one attempt at a provider may take (section <c>Gateway:Timeouts</c>).</summary>
public sealed class AttemptTimeoutOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Timeouts";

    /// <summary>Whole-call limit for a non-streaming attempt (default 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00", ErrorMessage = "Gateway:Timeouts:Attempt must be between 10 ms and 30 min.")]
    public TimeSpan Attempt { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Limit until a stream's first content arrives (default 10 s); after that the stream runs freely.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:30:00", ErrorMessage = "Gateway:Timeouts:TimeToFirstToken must be between 10 ms and 30 min.")]
    public TimeSpan TimeToFirstToken { get; set; } = TimeSpan.FromSeconds(10);
}

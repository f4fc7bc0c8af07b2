namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Thrown when a provider's stream, after its first token, waited longer than its inter-chunk limit for the next chunk:
/// the attempt is cut there. A provider failure (its circuit counts it as a stall), never retried on the same provider:
/// content was already sent, and a provider that stalled once would most likely cost the same wait again.
/// </summary>
public sealed class StreamStalledException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limit">The inter-chunk limit that passed.</param>
    public StreamStalledException(TimeSpan limit)
        : base($"stream stalled: no chunk within {limit.TotalSeconds:0.###} s after the first token")
    {
        Limit = limit;
    }

    /// <summary>The inter-chunk limit that passed.</summary>
    public TimeSpan Limit { get; }
}

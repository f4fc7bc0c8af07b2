namespace SentinelOps.Gateway.Routing;

/// <summary>What the gateway does for a stream already under way (<c>Gateway:Streaming</c>).</summary>
public sealed class StreamingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Streaming";

    /// <summary>
    /// When a stream's provider stalls or breaks after content reached the client, ask the next healthy provider to
    /// continue the answer where it stopped, in the same stream (<see cref="StreamContinuation"/>). Off: the stream ends
    /// with a <c>stream_interrupted</c> error event. A request turns it off for itself with
    /// <c>x-sentinel-continuation: off</c>.
    /// </summary>
    public bool Continuation { get; set; } = true;
}

namespace SentinelOps.Simulator.Faults;

/// <summary>What a single request must suffer; decided once when the request arrives.</summary>
/// <param name="Mode">The fault mode.</param>
/// <param name="Latency">Added delay (latency mode).</param>
/// <param name="RetryAfter">The Retry-After to send (rate-limited mode).</param>
/// <param name="AfterChunks">Chunks to stream before cutting (stream-cut mode).</param>
/// <param name="Released">Cancelled when the fault is cleared, so hung requests can end.</param>
public sealed record ActiveFault(FaultMode Mode, TimeSpan Latency, TimeSpan RetryAfter, int AfterChunks, CancellationToken Released)
{
    /// <summary>No fault.</summary>
    public static ActiveFault None { get; } = new(FaultMode.Healthy, TimeSpan.Zero, TimeSpan.Zero, 0, CancellationToken.None);
}

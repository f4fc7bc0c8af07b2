namespace SentinelOps.Simulator.Faults;

/// <summary>Ends a streamed response part-way, as a provider crashing mid-answer would.</summary>
/// <remarks>
/// Thrown rather than aborting the connection: Kestrel then closes the connection without the final chunk, so the
/// client first reads the chunks already sent. An abort sends a TCP reset, which can discard them unread.
/// </remarks>
public sealed class SimulatedStreamCutException(int chunksSent)
    : Exception($"Simulated stream cut after {chunksSent} chunks.");

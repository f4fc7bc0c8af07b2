using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Routing;

/// <summary>A provider's stream, read up to its first content update: what the failover client commits to.</summary>
/// <param name="Stream">The stream, positioned after <paramref name="Opening"/>.</param>
/// <param name="Opening">What it sent up to and including its first content.</param>
internal sealed record OpenedStream(IAsyncEnumerator<ChatResponseUpdate> Stream, List<ChatResponseUpdate> Opening);

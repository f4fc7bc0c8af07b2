using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Routing;

/// <summary>Opens a provider's stream and reads it up to its first content (the failover client's way of opening).</summary>
/// <returns>The stream and what it sent so far, or the provider's failure.</returns>
internal delegate Task<(IAsyncEnumerator<ChatResponseUpdate>? Stream, List<ChatResponseUpdate> Opening, ProviderFailure? Failure)> StreamOpener(
    ProviderClient provider, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken);

using System.Text.Json;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// A message from the Redis event channel, parsed once: the event for the circuits, and its bytes, unchanged, as the
/// WebSocket message (they are already the clients' JSON).
/// </summary>
/// <param name="Event">The parsed event.</param>
/// <param name="Encoded">The message as published, for <see cref="SystemEventsHub.Broadcast"/>.</param>
internal sealed record PublishedEvent(SentinelEvent Event, EncodedEvent Encoded)
{
    /// <summary>Parses a message as published on the channel (a serialized <see cref="SentinelEvent"/>).</summary>
    /// <exception cref="JsonException">It is not an event.</exception>
    public static PublishedEvent Parse(ReadOnlyMemory<byte> utf8Json)
    {
        var message = JsonSerializer.Deserialize<SentinelEvent>(utf8Json.Span, SentinelJson.Options);

        // The serializer leaves a missing member null whatever its annotation says.
        if (message?.EventType is not { Length: > 0 } eventType)
        {
            throw new JsonException("The message has no event_type.");
        }

        return new PublishedEvent(message, new EncodedEvent(eventType, message.Id, utf8Json));
    }
}

using System.Text.Json;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;

namespace SentinelOps.Gateway.Events;

/// <summary>A live event already serialized as its WebSocket message, so a broadcast encodes once for every client.</summary>
/// <param name="EventType">The <c>event_type</c>.</param>
/// <param name="Id">The incident's stream id, for incidents; used to drop duplicates at the resume seam.</param>
/// <param name="Utf8Json">The message: <c>{"event_type","payload","timestamp","id"}</c>.</param>
internal sealed record EncodedEvent(string EventType, string? Id, ReadOnlyMemory<byte> Utf8Json)
{
    /// <summary>Serializes an event for clients.</summary>
    public static EncodedEvent Create(string eventType, object payload, DateTimeOffset timestamp, string? id = null)
    {
        var message = new SentinelEvent(eventType, JsonSerializer.SerializeToElement(payload, SentinelJson.Options), timestamp, id);
        return new EncodedEvent(eventType, id, JsonSerializer.SerializeToUtf8Bytes(message, SentinelJson.Options));
    }

    /// <summary>The <c>incident</c> event of a stored incident, whose id is its stream id.</summary>
    public static EncodedEvent FromIncident(Incident incident) =>
        Create(EventTypes.Incident, incident, incident.Timestamp, incident.Id);

    /// <summary>
    /// Takes a message as published on the Redis channel (a serialized <see cref="SentinelEvent"/>), keeping its bytes as
    /// they are; <see langword="null"/> when it is not an event.
    /// </summary>
    public static EncodedEvent? TryParse(ReadOnlyMemory<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json.Span);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("event_type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            return new EncodedEvent(type.GetString()!, id, utf8Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

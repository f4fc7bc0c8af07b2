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
}

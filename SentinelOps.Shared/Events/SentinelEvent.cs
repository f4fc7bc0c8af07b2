using System.Text.Json;

namespace SentinelOps.Shared.Events;

/// <summary>One live event, as published on Redis and sent to WebSocket clients.</summary>
/// <param name="EventType">One of <see cref="EventTypes"/>.</param>
/// <param name="Payload">The event's body; its shape depends on <paramref name="EventType"/>.</param>
/// <param name="Timestamp">When it happened (UTC).</param>
/// <param name="Id">For incidents, the incident's stream id (usable as <c>last_event_id</c>); otherwise <see langword="null"/>.</param>
public sealed record SentinelEvent(string EventType, JsonElement Payload, DateTimeOffset Timestamp, string? Id = null);

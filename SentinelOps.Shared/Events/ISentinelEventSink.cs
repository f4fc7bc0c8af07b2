namespace SentinelOps.Shared.Events;

/// <summary>
/// Where services send incidents and live events. Never blocks the caller and never throws on a Redis outage:
/// incidents wait in a bounded outbox until Redis is back.
/// </summary>
public interface ISentinelEventSink
{
    /// <summary>Stores <paramref name="incident"/> in the incident stream and publishes it as an <c>incident</c> event.</summary>
    void RecordIncident(Incident incident);

    /// <summary>Publishes a live, non-durable event (<c>provider_status</c>, <c>metrics</c>, …).</summary>
    void Publish(string eventType, object payload);
}

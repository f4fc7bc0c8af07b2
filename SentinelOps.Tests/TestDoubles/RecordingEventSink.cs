using System.Collections.Concurrent;
using SentinelOps.Shared.Events;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>An <see cref="ISentinelEventSink"/> that keeps what it is given, for unit tests of the classes that report.</summary>
internal sealed class RecordingEventSink : ISentinelEventSink
{
    public ConcurrentQueue<Incident> Incidents { get; } = new();

    public ConcurrentQueue<(string EventType, object Payload)> Published { get; } = new();

    public void RecordIncident(Incident incident) => Incidents.Enqueue(incident);

    public void Publish(string eventType, object payload) => Published.Enqueue((eventType, payload));
}

using SentinelOps.Shared.Events;

namespace SentinelOps.Gateway.Events;

/// <summary>The incidents recorded after a given one, for a WebSocket client that resumes with <c>last_event_id</c>.</summary>
internal interface IIncidentBacklog
{
    /// <summary>Up to <paramref name="limit"/> incidents stored after <paramref name="lastEventId"/>, oldest first, each with its stream id.</summary>
    Task<IReadOnlyList<Incident>> ReadAfterAsync(string lastEventId, int limit, CancellationToken cancellationToken);
}

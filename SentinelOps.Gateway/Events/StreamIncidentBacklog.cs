using SentinelOps.Shared.Events;

namespace SentinelOps.Gateway.Events;

/// <summary>Reads missed incidents from the incident stream; none when Redis is not configured.</summary>
internal sealed class StreamIncidentBacklog(IServiceProvider services) : IIncidentBacklog
{
    private readonly IncidentReader? _reader = services.GetService<IncidentReader>();

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Incident>> ReadAfterAsync(string lastEventId, int limit, CancellationToken cancellationToken) =>
        _reader is null ? [] : await _reader.GetAfterAsync(lastEventId, Math.Min(limit, IncidentReader.MaxLimit), cancellationToken);
}

namespace SentinelOps.Monitor.Probing;

/// <summary>Placeholder until the metrics reader exists: no <c>metrics</c> event is published.</summary>
internal sealed class NoMetricsPayloadSource : IMetricsPayloadSource
{
    public Task<object?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(null);
}

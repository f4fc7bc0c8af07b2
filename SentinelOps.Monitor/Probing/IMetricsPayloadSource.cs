namespace SentinelOps.Monitor.Probing;

/// <summary>Reads the system metrics (the <c>GET /api/metrics</c> body) that the monitor publishes as a <c>metrics</c> event after each cycle.</summary>
internal interface IMetricsPayloadSource
{
    /// <summary>The current metrics, or <see langword="null"/> when they cannot be read now (the event is then skipped).</summary>
    Task<object?> ReadAsync(CancellationToken cancellationToken);
}

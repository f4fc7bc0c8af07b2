namespace SentinelOps.Shared.Events;

/// <summary>The <c>event_type</c> values of live events, as the seed names them.</summary>
public static class EventTypes
{
    /// <summary>A health update for one provider (payload: <see cref="ProviderStatusReport"/>).</summary>
    public const string ProviderStatus = "provider_status";

    /// <summary>A new incident (payload: <see cref="Incident"/>).</summary>
    public const string Incident = "incident";

    /// <summary>Aggregated system metrics, every health-check cycle (payload: the <c>GET /api/metrics</c> body).</summary>
    public const string Metrics = "metrics";

    /// <summary>Keep-alive, every 30 s by default.</summary>
    public const string Heartbeat = "heartbeat";

    /// <summary>Connection lifecycle messages.</summary>
    public const string System = "system";
}

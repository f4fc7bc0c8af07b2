namespace SentinelOps.Shared.Events;

/// <summary>Every Redis key and channel Sentinel-Ops uses, under one prefix.</summary>
public static class RedisKeys
{
    /// <summary>The prefix of every key.</summary>
    public const string Prefix = "sentinel:";

    /// <summary>Stream of incidents (<c>XADD … MAXLEN ~ N</c>): the durable incident log.</summary>
    public const string Incidents = Prefix + "incidents";

    /// <summary>Pub/sub channel of live events (<see cref="SentinelEvent"/> as JSON): a hint, at most once.</summary>
    public const string Events = Prefix + "events";

    /// <summary>Hash: provider name → its latest <see cref="ProviderStatusReport"/> as JSON.</summary>
    public const string ProviderStatus = Prefix + "provider_status";

    /// <summary>
    /// Pub/sub channel of circuit decisions between gateway replicas (a replica opened a circuit, or its trial closed
    /// one): not <see cref="Events"/>, so WebSocket clients never see them.
    /// </summary>
    public const string Circuits = Prefix + "circuits";

    /// <summary>
    /// Prefix of the trial leases (<c>sentinel:circuit_trial:&lt;provider&gt;:&lt;break id&gt;</c> → replica id, with a
    /// TTL): the one replica holding it sends that break's half-open trial.
    /// </summary>
    public const string CircuitTrialPrefix = Prefix + "circuit_trial:";

    /// <summary>Hash of request counters, summed across gateway replicas.</summary>
    public const string Metrics = Prefix + "metrics";

    /// <summary>
    /// Prefix of the short-lived keys (<c>sentinel:incident_uid:&lt;client id&gt;</c> → stream id) that make storing an
    /// incident write-once, so a retry after a lost reply does not store it twice.
    /// </summary>
    public const string IncidentUidPrefix = Prefix + "incident_uid:";

    /// <summary>
    /// Prefix of the short-lived keys (<c>sentinel:metrics_batch:&lt;batch id&gt;</c>) that make a counter flush
    /// apply once, so a retry after a lost reply does not count twice.
    /// </summary>
    public const string MetricsBatchPrefix = Prefix + "metrics_batch:";
}

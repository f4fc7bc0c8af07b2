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

    /// <summary>Hash of request counters, summed across gateway replicas.</summary>
    public const string Metrics = Prefix + "metrics";
}

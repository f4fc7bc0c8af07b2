using System.Text.Json.Serialization;

namespace SentinelOps.Shared.Metrics;

/// <summary>
/// The body of <c>GET /api/metrics</c> and the payload of <c>metrics</c> events: the seed's fields, then the
/// cancelled count, latency percentiles (ms, successful requests, see <see cref="LatencyHistogram"/>) and per-provider counts.
/// Totals are summed across gateway replicas and survive restarts; <c>uptime_seconds</c> is the reporting process's.
/// </summary>
public sealed record MetricsReport(
    [property: JsonPropertyName("total_requests")] long TotalRequests,
    [property: JsonPropertyName("total_successes")] long TotalSuccesses,
    [property: JsonPropertyName("total_failures")] long TotalFailures,
    [property: JsonPropertyName("total_failovers")] long TotalFailovers,
    [property: JsonPropertyName("avg_latency_ms")] double AvgLatencyMs,
    [property: JsonPropertyName("active_provider")] string? ActiveProvider,
    [property: JsonPropertyName("uptime_seconds")] double UptimeSeconds,
    [property: JsonPropertyName("total_cancelled")] long TotalCancelled,
    [property: JsonPropertyName("p50_latency_ms")] double? P50LatencyMs,
    [property: JsonPropertyName("p95_latency_ms")] double? P95LatencyMs,
    [property: JsonPropertyName("p99_latency_ms")] double? P99LatencyMs,
    [property: JsonPropertyName("providers")] IReadOnlyDictionary<string, ProviderMetrics> Providers)
{
    /// <summary>Requests answered 400 as their own fault once the gateway had accepted them: counted neither as failures nor against any provider.</summary>
    [JsonPropertyName("total_rejected")]
    public long TotalRejected { get; init; }

    /// <summary>Successes served from the response cache, with no provider called.</summary>
    [JsonPropertyName("total_cache_hits")]
    public long TotalCacheHits { get; init; }

    /// <summary>Requests hedged: also started on the next provider because the first sent no first token within the hedging delay (<c>Gateway:Hedging</c>).</summary>
    [JsonPropertyName("total_hedged")]
    public long TotalHedged { get; init; }

    /// <summary>Whether the Redis totals were included; <see langword="false"/> when Redis could not be read and only this replica's counts since its start are shown.</summary>
    [JsonPropertyName("redis_available")]
    public bool RedisAvailable { get; init; } = true;
}

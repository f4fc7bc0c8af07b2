using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Resilience.SharedCircuits;
using SentinelOps.Gateway.Routing;
using SentinelOps.Gateway.Routing.Drift;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Gateway.Apis;

/// <summary><c>GET /api/providers/status</c>: what the gateway has seen of each provider, in the seed's shape.</summary>
public static class ProvidersApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapProvidersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/providers").WithTags("Providers");
        api.MapGet("/status", GetStatus);
        return app;
    }

    private static Ok<Dictionary<string, ProviderStatus>> GetStatus(ProviderChain chain, TrafficShare share, ReplicaIdentity replica)
    {
        var statuses = new Dictionary<string, ProviderStatus>();
        var shares = share.Shares();
        foreach (var provider in chain.Providers)
        {
            var snapshot = provider.Breaker.GetSnapshot();
            var drift = provider.Drift.Status;
            var figures = provider.Drift.Read();
            statuses[provider.Name] = new ProviderStatus(
                StatusOf(snapshot, drift.State),
                provider.Options.Kind,
                provider.Options.Model,
                provider.Options.Priority,
                snapshot.AverageLatency is { } latency ? Math.Round(latency.TotalMilliseconds, 1) : null,
                snapshot.SuccessRatePercent,
                new CircuitBreakerStatus(
                    snapshot.State,
                    snapshot.ConsecutiveFailures,
                    snapshot.OpenedAt,
                    snapshot.RetryAfter is { } wait ? Math.Round(wait.TotalSeconds, 1) : null,
                    snapshot.Stalled,
                    snapshot.SlowCalls,
                    snapshot.SlowCallThreshold is { } threshold ? Math.Round(threshold.TotalMilliseconds, 1) : null,
                    snapshot.TimeToFirstToken is { } ttft ? Math.Round(ttft.TotalMilliseconds, 1) : null,
                    snapshot.InterChunkLimit is { } interChunk ? Math.Round(interChunk.TotalMilliseconds, 1) : null,
                    snapshot.LastStall,
                    snapshot.DecidedBy ?? replica.Id,
                    snapshot.DecidedBy is not null,
                    replica.Id),
                new TrafficStatus(
                    shares.GetValueOrDefault(provider.Name) is { } part ? Math.Round(part * 100, 1) : null,
                    Math.Round(drift.Weight * 100, 1)),
                new DriftStatus(
                    drift.State,
                    drift.Reason,
                    drift.Since,
                    Round(figures.LatencyMs),
                    Round(figures.BaselineLatencyMs),
                    Round(figures.ErrorRate * 100),
                    Round(figures.BaselineErrorRate * 100)));
        }

        return TypedResults.Ok(statuses);
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;

    // down: the gateway will not call it (open, isolated, or stalled: only trials reach it); degraded: it is being
    // called but some calls fail or are slow, or drift draining holds back part of its traffic.
    private static string StatusOf(CircuitBreakerSnapshot snapshot, DriftState drift) => snapshot.State switch
    {
        CircuitState.Open or CircuitState.Isolated => "down",
        _ when snapshot.Stalled => "down",
        CircuitState.HalfOpen => "recovering",
        _ when drift != DriftState.Healthy => "degraded",
        _ when snapshot.ConsecutiveFailures > 0 || snapshot.Failures > 0 || snapshot.SlowCalls > 0 => "degraded",
        _ => "healthy",
    };

    /// <summary>One provider's status.</summary>
    public sealed record ProviderStatus(
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("kind")] ProviderKind Kind,
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("priority")] int Priority,
        [property: JsonPropertyName("latency_ms")] double? LatencyMs,
        [property: JsonPropertyName("success_rate_pct")] double SuccessRatePct,
        [property: JsonPropertyName("circuit_breaker")] CircuitBreakerStatus CircuitBreaker,
        [property: JsonPropertyName("traffic")] TrafficStatus Traffic,
        [property: JsonPropertyName("drift")] DriftStatus Drift);

    /// <summary>A provider's part of recent traffic.</summary>
    /// <param name="SharePct">Requests it answered over all requests answered, recently (exponentially weighted over
    /// <c>Gateway:Routing:ShareWindow</c>), in this replica; null while none were.</param>
    /// <param name="WeightPct">Its drift weight: the percentage of the requests that would put it first that still do.</param>
    public sealed record TrafficStatus(
        [property: JsonPropertyName("share_pct")] double? SharePct,
        [property: JsonPropertyName("weight_pct")] double WeightPct);

    /// <summary>A provider's drift: its fast averages against its baselines, and what draining made of them.</summary>
    public sealed record DriftStatus(
        [property: JsonPropertyName("state")] DriftState State,
        [property: JsonPropertyName("reason")] string? Reason,
        [property: JsonPropertyName("since")] DateTimeOffset? Since,
        [property: JsonPropertyName("latency_ms")] double? LatencyMs,
        [property: JsonPropertyName("baseline_latency_ms")] double? BaselineLatencyMs,
        [property: JsonPropertyName("error_rate_pct")] double? ErrorRatePct,
        [property: JsonPropertyName("baseline_error_rate_pct")] double? BaselineErrorRatePct);

    /// <summary>A provider's circuit.</summary>
    public sealed record CircuitBreakerStatus(
        [property: JsonPropertyName("state")] CircuitState State,
        [property: JsonPropertyName("failures")] int Failures,
        [property: JsonPropertyName("opened_at")] DateTimeOffset? OpenedAt,
        [property: JsonPropertyName("retry_after_seconds")] double? RetryAfterSeconds,
        [property: JsonPropertyName("stalled")] bool Stalled,
        [property: JsonPropertyName("slow_calls")] long SlowCalls,
        [property: JsonPropertyName("slow_call_threshold_ms")] double? SlowCallThresholdMs,
        [property: JsonPropertyName("time_to_first_token_ms")] double? TimeToFirstTokenMs,
        [property: JsonPropertyName("inter_chunk_limit_ms")] double? InterChunkLimitMs,
        [property: JsonPropertyName("last_stall")] DateTimeOffset? LastStall,
        [property: JsonPropertyName("decided_by")] string DecidedBy,
        [property: JsonPropertyName("decided_remotely")] bool DecidedRemotely,
        [property: JsonPropertyName("replica")] string Replica);
}

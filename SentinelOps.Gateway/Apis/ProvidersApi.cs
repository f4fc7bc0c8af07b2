using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Resilience.SharedCircuits;
using SentinelOps.Gateway.Routing;
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

    private static Ok<Dictionary<string, ProviderStatus>> GetStatus(ProviderChain chain, ReplicaIdentity replica)
    {
        var statuses = new Dictionary<string, ProviderStatus>();
        foreach (var provider in chain.Providers)
        {
            var snapshot = provider.Breaker.GetSnapshot();
            statuses[provider.Name] = new ProviderStatus(
                StatusOf(snapshot),
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
                    replica.Id));
        }

        return TypedResults.Ok(statuses);
    }

    // down: the gateway will not call it (open, isolated, or stalled: only trials reach it); degraded: it is being
    // called but some calls fail or are slow.
    private static string StatusOf(CircuitBreakerSnapshot snapshot) => snapshot.State switch
    {
        CircuitState.Open or CircuitState.Isolated => "down",
        _ when snapshot.Stalled => "down",
        CircuitState.HalfOpen => "recovering",
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
        [property: JsonPropertyName("circuit_breaker")] CircuitBreakerStatus CircuitBreaker);

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

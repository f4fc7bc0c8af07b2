using Microsoft.AspNetCore.Http.HttpResults;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Metrics;

namespace SentinelOps.Gateway.Apis;

/// <summary><c>GET /api/metrics</c>: request totals across every gateway replica and restart, with latency percentiles.</summary>
public static class MetricsApi
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Metrics");
        api.MapGet("/metrics", GetMetricsAsync);
        return app;
    }

    private static async Task<Ok<MetricsReport>> GetMetricsAsync(RequestMetricsStore store, ProviderChain chain, HttpContext context)
    {
        var (totals, redisAvailable) = await store.ReadTotalsAsync(context.RequestAborted);
        var active = chain.Providers.FirstOrDefault(p => p.Breaker.WouldPermit())?.Name;
        return TypedResults.Ok(totals.ToReport(active, store.Uptime) with { RedisAvailable = redisAvailable });
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Security;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;
using SentinelOps.Shared.Probing;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Gateway.Operator;

/// <summary>
/// <c>POST /api/providers/{name}/probe</c> and <c>POST /api/providers/probe</c>: on-demand health checks, with the
/// monitor's prober and classification, returned and published as <c>provider_status</c> events.
/// </summary>
/// <remarks>
/// One probe has no history, so it is judged alone: <c>down</c> if it failed, <c>degraded</c> if slower than the
/// threshold, else <c>healthy</c>; the monitor's rolling view (and its incidents) stays the monitor's.
/// </remarks>
public static class ProbeApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapProbeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/providers").WithTags("Providers").RequireAdminScope();
        api.MapPost("/{name}/probe", ProbeOneAsync)
            .WithSummary("Probe one provider now")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/probe", ProbeAllAsync)
            .WithSummary("Probe every provider now");
        return app;
    }

    private static async Task<Results<JsonHttpResult<ProviderStatusReport>, ProblemHttpResult>> ProbeOneAsync(
        string name,
        ProviderProber prober,
        IOptions<ProvidersOptions> providers,
        IOptions<ProviderHealthOptions> health,
        ISentinelEventSink events,
        CancellationToken cancellationToken)
    {
        if (providers.Value.Find(name) is not { } provider)
        {
            return OperatorProblems.UnknownProvider(name, providers.Value.InPriorityOrder);
        }

        var report = await ProbeAsync(provider, prober, health.Value, events, cancellationToken);
        return TypedResults.Json(report, SentinelJson.Options);
    }

    private static async Task<JsonHttpResult<Dictionary<string, ProviderStatusReport>>> ProbeAllAsync(
        ProviderProber prober,
        IOptions<ProvidersOptions> providers,
        IOptions<ProviderHealthOptions> health,
        ISentinelEventSink events,
        CancellationToken cancellationToken)
    {
        var ordered = providers.Value.InPriorityOrder.ToArray();
        var reports = await Task.WhenAll(ordered.Select(p => ProbeAsync(p, prober, health.Value, events, cancellationToken)));
        return TypedResults.Json(reports.ToDictionary(r => r.Provider), SentinelJson.Options);
    }

    private static async Task<ProviderStatusReport> ProbeAsync(
        ProviderOptions provider, ProviderProber prober, ProviderHealthOptions health, ISentinelEventSink events, CancellationToken cancellationToken)
    {
        var result = await prober.ProbeAsync(provider, health.EffectiveProbeTimeout, cancellationToken);
        var statistics = new ProbeStatistics(windowSize: 1, smoothing: 1);
        statistics.Record(result);
        // Alone, a failed probe is an outage, whatever DownAfterFailures says about a run of them.
        var status = result.Success ? new ProviderHealthPolicy(health).Assess(statistics, previous: null).Status : ProviderHealth.Down;
        var latency = result.Success ? Math.Round(result.Latency.TotalMilliseconds, 1) : (double?)null;
        var report = new ProviderStatusReport(
            provider.Name, status, latency, latency, statistics.SuccessRatePct, result.CheckedAt, result.Error);
        events.Publish(EventTypes.ProviderStatus, report);
        return report;
    }
}

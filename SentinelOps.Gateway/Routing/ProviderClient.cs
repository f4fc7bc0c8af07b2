using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing.Drift;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Gateway.Routing;

/// <summary>A provider, the chat client pipeline that reaches it and the circuit breaker inside that pipeline.</summary>
/// <param name="Options">The provider's configuration.</param>
/// <param name="Client">Its pipeline: telemetry and resilience middleware over the protocol client.</param>
/// <param name="Breaker">The breaker the pipeline reports to; routers consult it to skip the provider without a call.</param>
public sealed record ProviderClient(ProviderOptions Options, IChatClient Client, CircuitBreaker Breaker)
{
    /// <summary>The provider's name.</summary>
    public string Name => Options.Name;

    /// <summary>Its drift averages and traffic weight, which routers read per request; full weight, no history, when
    /// not given.</summary>
    public ProviderDriftState Drift { get; init; } = new(new DriftOptions(), TimeProvider.System);
}

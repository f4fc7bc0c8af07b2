using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Gateway.Routing;

/// <summary>Adds <see cref="ProviderFailoverChatClient"/> to a chat client pipeline.</summary>
public static class FailoverChatClientBuilderExtensions
{
    /// <summary>
    /// Sends each request to the <see cref="ProviderChain"/>'s providers in priority order until one answers, within
    /// <see cref="GatewayOptions.RequestTimeout"/>, hedging a provider slow to its first token when
    /// <c>Gateway:Hedging:Enabled</c>, and continuing a stream that fails mid-answer on the next provider when
    /// <see cref="StreamingOptions.Continuation"/> is on. It ends the pipeline: the providers' own pipelines are below it.
    /// </summary>
    public static ChatClientBuilder UseFailover(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((_, services) => new ProviderFailoverChatClient(
            services.GetRequiredService<ProviderChain>().Providers,
            services.GetRequiredService<ProviderHealthUpdater>(),
            services.GetRequiredService<IOptions<GatewayOptions>>().Value.RequestTimeout,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetService<ILogger<ProviderFailoverChatClient>>(),
            services.GetRequiredService<IOptions<RoutingOptions>>().Value.ParsedStrategy,
            services.GetRequiredService<IOptions<StreamingOptions>>().Value.Continuation,
            Hedger(services)));
    }

    // Only when hedging is on: off, the failover client runs exactly as without it.
    private static ProviderHedger? Hedger(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<HedgingOptions>>().Value;
        return !options.Enabled ? null : new ProviderHedger(
            options,
            services.GetRequiredService<IOptions<AttemptTimeoutOptions>>().Value.StreamNonStreamingRequests,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<Metrics.RequestOutcomeRecorder>(),
            services.GetService<ILogger<ProviderHedger>>());
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing.Drift;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Builds and owns, per configured provider, its circuit breaker and its chat client pipeline (composed in
/// <see cref="GatewayChatPipeline"/>), in priority order, and the one <see cref="ProviderHealthUpdater"/> over the breakers.
/// </summary>
public sealed class ProviderChain : IDisposable
{
    private readonly ProvidersOptions _options;

    /// <summary>The name of the <see cref="HttpClient"/> configuration provider calls use.</summary>
    public const string HttpClientName = "sentinel-provider";

    /// <summary>Creates the breakers and pipelines for the configured providers.</summary>
    public ProviderChain(
        IOptions<ProvidersOptions> providers,
        IOptions<CircuitBreakerOptions> circuitBreaker,
        IOptions<RetryOptions> retry,
        IOptions<AttemptTimeoutOptions> timeouts,
        IOptions<SlowCallOptions> slowCalls,
        IOptions<DriftOptions> drift,
        IHttpClientFactory httpClientFactory,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        // The threshold must not exceed any limit that can end an attempt before its first token, or a hang cut by
        // that limit would pass for a caller giving up early.
        var firstTokenLimit = timeouts.Value.Attempt < timeouts.Value.TimeToFirstToken ? timeouts.Value.Attempt : timeouts.Value.TimeToFirstToken;
        var slowCallPolicy = new SlowCallPolicy(slowCalls.Value, firstTokenLimit);
        _options = providers.Value;

        // The breakers first, then their one writer of health, then the pipelines that report through it.
        var configured = providers.Value.InPriorityOrder.ToArray();
        var breakers = configured
            .Select(provider => new CircuitBreaker(provider.Name, circuitBreaker.Value, timeProvider, loggerFactory.CreateLogger<CircuitBreaker>(), slowCallPolicy))
            .ToArray();
        Health = new ProviderHealthUpdater(breakers, timeProvider, loggerFactory.CreateLogger<ProviderHealthUpdater>());
        Providers = configured
            .Select((provider, i) =>
            {
                var protocolClient = ProviderChatClientFactory.Create(provider, httpClientFactory.CreateClient(HttpClientName));
                var driftState = new ProviderDriftState(drift.Value, timeProvider);
                var pipeline = GatewayChatPipeline.ForProvider(protocolClient, Health, breakers[i], driftState, retry.Value, timeouts.Value, loggerFactory, services);
                return new ProviderClient(provider, pipeline, breakers[i]) { Drift = driftState };
            })
            .ToArray();
    }

    /// <summary>The one writer of the providers' health (<see cref="ProviderHealthUpdater"/>), over their breakers.</summary>
    public ProviderHealthUpdater Health { get; }

    /// <summary>The providers, in the order requests try them.</summary>
    public IReadOnlyList<ProviderClient> Providers { get; }

    /// <summary>The provider called <paramref name="nameOrKind"/>, or else the only one of that kind (<see cref="ProvidersOptions.Find"/>).</summary>
    public ProviderClient? Find(string nameOrKind) =>
        _options.Find(nameOrKind) is { } found ? Providers.First(p => ReferenceEquals(p.Options, found)) : null;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var provider in Providers)
        {
            provider.Client.Dispose();
        }
    }
}

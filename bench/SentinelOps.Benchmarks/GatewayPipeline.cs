using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Gateway.Routing.Drift;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Benchmarks;

/// <summary>
/// The gateway's chat client as <see cref="GatewayChatPipeline"/> composes it, with the default options, over
/// <see cref="FakeProviderChatClient"/> instead of the protocol client: request metrics → failover → (per provider)
/// OpenTelemetry → retry → streamed responses → circuit breaker → attempt timeout.
/// </summary>
internal sealed class GatewayPipeline : IDisposable
{
    private readonly ServiceProvider _services;

    public GatewayPipeline()
    {
        _services = new ServiceCollection()
            .AddMetrics()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .BuildServiceProvider();

        var timeouts = new AttemptTimeoutOptions();
        var firstTokenLimit = timeouts.Attempt < timeouts.TimeToFirstToken ? timeouts.Attempt : timeouts.TimeToFirstToken;
        var provider = new ProviderOptions { Name = "primary", Kind = ProviderKind.OpenAI, Model = "sim-gpt-4o-mini", Endpoint = new Uri("http://127.0.0.1:9/v1") };
        Breaker = new CircuitBreaker(
            provider.Name, new CircuitBreakerOptions(), TimeProvider.System, NullLogger<CircuitBreaker>.Instance, new SlowCallPolicy(new SlowCallOptions(), firstTokenLimit));
        var drift = new ProviderDriftState(new DriftOptions(), TimeProvider.System);
        var health = new ProviderHealthUpdater([Breaker], TimeProvider.System);
        var perProvider = GatewayChatPipeline.ForProvider(
            new FakeProviderChatClient(), health, Breaker, drift, new RetryOptions(), timeouts, NullLoggerFactory.Instance, _services);

        var recorder = new RequestOutcomeRecorder(
            new RequestCounters([provider.Name]),
            new TrafficShare([provider.Name], TimeSpan.FromMinutes(1), TimeProvider.System),
            new GatewayTelemetry(_services.GetRequiredService<IMeterFactory>()),
            new NullEventSink(),
            TimeProvider.System,
            Options.Create(new GatewayEventsOptions()));
        Client = new RequestMetricsChatClient(
            new ProviderFailoverChatClient([new ProviderClient(provider, perProvider, Breaker) { Drift = drift }], health, TimeSpan.FromSeconds(30), TimeProvider.System),
            recorder,
            TimeProvider.System);
    }

    /// <summary>The gateway's chat client, outermost layer first.</summary>
    public IChatClient Client { get; }

    /// <summary>The provider's breaker (a run must leave it closed).</summary>
    public CircuitBreaker Breaker { get; }

    /// <summary>Services for endpoint results (logging).</summary>
    public IServiceProvider Services => _services;

    public void Dispose() => _services.Dispose();

    private sealed class NullEventSink : ISentinelEventSink
    {
        public void RecordIncident(Incident incident)
        {
        }

        public void Publish(string eventType, object payload)
        {
        }
    }
}

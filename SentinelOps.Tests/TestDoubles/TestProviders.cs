using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>Providers for the routing tests, with or without their breaker in the pipeline.</summary>
internal static class TestProviders
{
    /// <summary>A provider whose (closed) breaker is not in its pipeline: it never judges the fake client, so it always permits.</summary>
    public static ProviderClient Unguarded(string name, IChatClient client) =>
        new(new ProviderOptions { Name = name }, client, new CircuitBreaker(name, new CircuitBreakerOptions(), TimeProvider.System));

    /// <summary>A provider whose breaker judges the fake client, as in the gateway's pipeline.</summary>
    public static ProviderClient Guarded(string name, IChatClient inner, CircuitBreaker breaker, TimeProvider time) =>
        new(new ProviderOptions { Name = name }, new CircuitBreakerChatClient(inner, TestHealth.WriterOf(breaker, time), breaker, time), breaker);
}

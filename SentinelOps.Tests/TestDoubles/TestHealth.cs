using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>The one writer of a breaker's health, for tests that guard a fake client with a breaker of their own.</summary>
internal static class TestHealth
{
    /// <summary>The breaker's <see cref="ProviderHealthUpdater"/>: the one it already has, or a new one over it alone.</summary>
    public static ProviderHealthUpdater WriterOf(CircuitBreaker breaker, TimeProvider? time = null) =>
        breaker.Writer ?? new ProviderHealthUpdater([breaker], time);

    /// <summary>A new <see cref="ProviderHealthUpdater"/> over every one of <paramref name="providers"/>' breakers.</summary>
    public static ProviderHealthUpdater Of(IEnumerable<ProviderClient> providers, TimeProvider? time = null) =>
        new(providers.Select(p => p.Breaker), time);
}

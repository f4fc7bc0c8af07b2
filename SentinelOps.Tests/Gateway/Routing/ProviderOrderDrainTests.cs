using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Gateway.Routing.Drift;
using SentinelOps.Shared.Providers;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Routing;

/// <summary>The routing order under a drift weight: a degraded provider keeps its place for its weight's share of
/// requests, under every strategy, and stays a failover candidate.</summary>
public sealed class ProviderOrderDrainTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly Random _random = new(20261203);

    [Theory]
    [InlineData(0.5, 440, 560)]
    [InlineData(0.1, 70, 130)]
    [InlineData(0.01, 1, 25)] // about 10: at least one, or a provider drained to 1% would be drained for good
    public void Priority_ADegradedFirstProviderGoesFirst_OnlyForItsWeightsShare_AndIsTriedNextOtherwise(double weight, int min, int max)
    {
        var primary = Provider("primary", driftWeight: weight);
        var fallback = Provider("fallback");
        var policy = Policy([primary, fallback], RoutingStrategy.Priority);

        var orders = Enumerable.Range(0, 1000).Select(_ => policy.Candidates([]).Select(p => p.Name).ToArray()).ToList();

        Assert.InRange(orders.Count(o => o[0] == "primary"), min, max);
        Assert.All(orders, o => Assert.Equal(["fallback", "primary"], o.Order()));
    }

    [Fact]
    public void ADrainedProvider_MovesBehindTheNextHealthyOne_NotToTheEnd()
    {
        var a = Provider("a", driftWeight: 0.01);
        var b = Provider("b");
        var c = Provider("c");
        var order = new ProviderOrder([a, b, c], RoutingStrategy.Priority, () => 0.5);

        Assert.Equal(["b", "a", "c"], order.Next().Select(p => p.Name));
    }

    [Fact]
    public void TwoDrainedNeighbours_KeepTheirOrder_BehindTheProviderThatOvertakesThem()
    {
        var a = Provider("a", driftWeight: 0.1);
        var b = Provider("b", driftWeight: 0.5);
        var c = Provider("c");
        var order = new ProviderOrder([a, b, c], RoutingStrategy.Priority, () => 0.7);

        Assert.Equal(["c", "a", "b"], order.Next().Select(p => p.Name));
    }

    [Fact]
    public void EachRunOfDrainedProviders_MovesBehindTheProviderAfterIt_AndALastOneStaysLast()
    {
        var a = Provider("a", driftWeight: 0.1);
        var b = Provider("b");
        var c = Provider("c", driftWeight: 0.5);
        var d = Provider("d");
        var e = Provider("e", driftWeight: 0.1);
        var order = new ProviderOrder([a, b, c, d, e], RoutingStrategy.Priority, () => 0.7);

        Assert.Equal(["b", "a", "d", "c", "e"], order.Next().Select(p => p.Name));
    }

    [Fact]
    public void ALeastLatencyOrder_IsDrainedToo()
    {
        var a = Provider("a", driftWeight: 0.1);
        var b = Provider("b");
        var draws = new Queue<double>([0.0, 0.0, 0.5]); // a and b drawn for the two choices, then the drain's draw
        var order = new ProviderOrder([a, b], RoutingStrategy.LeastLatency, draws.Dequeue);

        // Neither measured, so a (drawn first) would go first; drained, it goes behind b.
        Assert.Equal(["b", "a"], order.Next().Select(p => p.Name));
        Assert.Empty(draws);
    }

    [Fact]
    public void AtFullWeight_PriorityOrderIsTheConfiguredListItself()
    {
        var providers = new[] { Provider("a"), Provider("b") };
        var order = new ProviderOrder(providers, RoutingStrategy.Priority, () => 0.99);

        Assert.Same(providers, order.Next());
    }

    [Fact]
    public void ADrainedPriorityOrder_IsMadeOnce_NotPerRequest()
    {
        var order = new ProviderOrder([Provider("a", driftWeight: 0.1), Provider("b")], RoutingStrategy.Priority, () => 0.5);

        var first = order.Next();

        Assert.Equal(["b", "a"], first.Select(p => p.Name));
        Assert.Same(first, order.Next());
    }

    [Fact]
    public void Cost_TheCheapestProviderDegradedToOnePercent_GoesFirstInAboutOnePercentOfRequests()
    {
        var cheap = Provider("cheap", driftWeight: 0.01, price: 1);
        var dear = Provider("dear", price: 10);
        var policy = Policy([dear, cheap], RoutingStrategy.Cost);

        var toCheap = Enumerable.Range(0, 1000).Count(_ => policy.Candidates([]).First() == cheap);

        // About 10; at least one, or the cost order (cheap before dear) would go untested.
        Assert.InRange(toCheap, 1, 25);
    }

    [Fact]
    public void Weighted_TheWeightMultipliesTheConfiguredOne()
    {
        var heavy = Provider("heavy", driftWeight: 0.5, weight: 3);
        var light = Provider("light", weight: 1);
        var policy = Policy([light, heavy], RoutingStrategy.Weighted);

        var toHeavy = Enumerable.Range(0, 1000).Count(_ => policy.Candidates([]).First() == heavy);

        // 75% by configuration, half of those kept: about 37.5%.
        Assert.InRange(toHeavy, 325, 425);
    }

    [Fact]
    public void FailoverStillApplies_ADrainedProviderIsTriedWhenTheOneAheadOfItIsOpen()
    {
        var primary = Provider("primary", driftWeight: 0.01);
        var fallback = Provider("fallback");
        Assert.True(fallback.Breaker.TryEnter(out var permit));
        fallback.Breaker.RecordFailure(permit);
        var policy = Policy([primary, fallback], RoutingStrategy.Priority);

        var failures = new List<ProviderFailure>();
        Assert.Equal(["primary"], policy.Candidates(failures).Select(p => p.Name));
        Assert.Equal("fallback", Assert.Single(failures).Provider);
    }

    private HealthyOrPanicProviderPolicy Policy(ProviderClient[] providers, RoutingStrategy strategy) =>
        new(providers, new ProviderHealthUpdater(providers.Select(p => p.Breaker)), strategy: strategy, random: _random.NextDouble);

    private ProviderClient Provider(string name, double driftWeight = 1, double weight = 1, double? price = null)
    {
        var drift = new ProviderDriftState(new DriftOptions(), _time);
        if (driftWeight < 1)
        {
            drift.EndStep(DriftState.Degraded, driftWeight, "test", _time.GetUtcNow());
        }

        var options = new ProviderOptions { Name = name, Weight = weight, InputPricePerMillion = price };
        return new ProviderClient(options, TestChatClient.Answering(name), new CircuitBreaker(name, new CircuitBreakerOptions { FailureThreshold = 1 }, _time))
        {
            Drift = drift,
        };
    }
}

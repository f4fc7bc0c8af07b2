using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Providers;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Routing;

/// <summary>Each routing strategy's first choice, and failover still applying within it.</summary>
public sealed class RoutingStrategyTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void LeastLatency_SendsTheSlowProviderAtMostAFifthOfTheRequests()
    {
        var fast = Provider("fast", latency: TimeSpan.Zero);
        var slow = Provider("slow", latency: TimeSpan.FromMilliseconds(300));
        var policy = Policy([slow, fast], RoutingStrategy.LeastLatency);

        var toSlow = Enumerable.Range(0, 50).Count(_ => First(policy) == slow);

        Assert.True(toSlow <= 10, $"{toSlow} of 50");
    }

    [Fact]
    public void Cost_PicksTheCheaperWhileItIsHealthy_ThenFailsOverToTheOther()
    {
        var dear = Provider("dear", inputPrice: 5, outputPrice: 15);
        var cheap = Provider("cheap", inputPrice: 0.15, outputPrice: 0.6);
        var unpriced = Provider("unpriced");
        var policy = Policy([unpriced, dear, cheap], RoutingStrategy.Cost);

        Assert.Equal(["cheap", "dear", "unpriced"], policy.Candidates([]).Select(p => p.Name));

        Open(cheap.Breaker);
        var failures = new List<ProviderFailure>();
        Assert.Equal(dear, policy.Candidates(failures).First());
        Assert.Equal("cheap", Assert.Single(failures).Provider);
    }

    [Fact]
    public void Weighted_HoldsItsRatioWithinFivePoints_OverAThousandRequests()
    {
        var heavy = Provider("heavy", weight: 3);
        var light = Provider("light", weight: 1);
        var random = new Random(20261203);
        var policy = Policy([light, heavy], RoutingStrategy.Weighted, random.NextDouble);

        var toHeavy = Enumerable.Range(0, 1000).Count(_ => First(policy) == heavy);

        Assert.InRange(toHeavy, 700, 800);
    }

    [Fact]
    public void Priority_KeepsTheConfiguredOrder()
    {
        var a = Provider("a", weight: 0, inputPrice: 100);
        var b = Provider("b", weight: 10, inputPrice: 1);
        var policy = Policy([a, b], RoutingStrategy.Priority);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(a, First(policy)));
    }

    private static ProviderClient First(HealthyOrPanicProviderPolicy policy) => policy.Candidates([]).First();

    private static HealthyOrPanicProviderPolicy Policy(ProviderClient[] providers, RoutingStrategy strategy, Func<double>? random = null) =>
        new(providers, new ProviderHealthUpdater(providers.Select(p => p.Breaker)), strategy: strategy, random: random);

    private ProviderClient Provider(string name, TimeSpan? latency = null, double weight = 1, double? inputPrice = null, double? outputPrice = null)
    {
        var breaker = new CircuitBreaker(name, new CircuitBreakerOptions { FailureThreshold = 1 }, _time);
        if (latency is { } learnt)
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True(breaker.TryEnter(out var permit));
                breaker.RecordSuccess(permit, learnt);
            }
        }

        var options = new ProviderOptions { Name = name, Weight = weight, InputPricePerMillion = inputPrice, OutputPricePerMillion = outputPrice };
        return new ProviderClient(options, TestChatClient.Answering(name), breaker);
    }

    private static void Open(CircuitBreaker breaker)
    {
        Assert.True(breaker.TryEnter(out var permit));
        breaker.RecordFailure(permit);
        Assert.Equal(CircuitState.Open, breaker.State);
    }
}

using SentinelOps.Shared.Events;
using SentinelOps.Shared.Probing;
using static SentinelOps.Tests.Shared.Probing.ProbeStatisticsTests;

namespace SentinelOps.Tests.Shared.Probing;

public sealed class ProviderHealthPolicyTests
{
    private static readonly ProviderHealthOptions Defaults = new();

    [Fact]
    public void FastSuccessfulProbes_AreHealthy()
    {
        var (status, reason) = Assess(Defaults, null, Ok(120), Ok(80));

        Assert.Equal(ProviderHealth.Healthy, status);
        Assert.Equal("healthy: 108 ms average probe latency", reason);
    }

    [Fact]
    public void OneFailedProbe_IsDown_ByDefault()
    {
        var (status, reason) = Assess(Defaults, ProviderHealth.Healthy, Ok(100), Failed());

        Assert.Equal(ProviderHealth.Down, status);
        Assert.Equal("probe failed: HTTP 503 (Service Unavailable)", reason);
    }

    [Fact]
    public void FailuresBelowTheDownThreshold_AreDegraded_ThenDown()
    {
        var options = new ProviderHealthOptions { DownAfterFailures = 3 };

        Assert.Equal(ProviderHealth.Degraded, Assess(options, ProviderHealth.Healthy, Ok(10), Failed()).Status);
        Assert.Equal(ProviderHealth.Degraded, Assess(options, ProviderHealth.Degraded, Ok(10), Failed(), Failed()).Status);
        var (status, reason) = Assess(options, ProviderHealth.Degraded, Ok(10), Failed(), Failed(), Failed());
        Assert.Equal(ProviderHealth.Down, status);
        Assert.StartsWith("3 probes failed in a row", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SlowOnAverage_IsDegraded()
    {
        var options = new ProviderHealthOptions { SlowThreshold = TimeSpan.FromMilliseconds(500) };

        var (status, reason) = Assess(options, ProviderHealth.Healthy, Ok(900), Ok(800));

        Assert.Equal(ProviderHealth.Degraded, status);
        Assert.Equal("slow: 870 ms average probe latency (threshold 500 ms)", reason);
    }

    [Fact]
    public void OneSlowProbe_AmongFastOnes_IsNotDegraded()
    {
        var options = new ProviderHealthOptions { SlowThreshold = TimeSpan.FromMilliseconds(500) };

        Assert.Equal(ProviderHealth.Healthy, Assess(options, ProviderHealth.Healthy, Ok(100), Ok(100), Ok(1200)).Status);
    }

    [Fact]
    public void LowSuccessRate_IsDegraded_EvenAfterASuccess()
    {
        var options = new ProviderHealthOptions { DownAfterFailures = 5, DegradedBelowSuccessRatePct = 90, WindowSize = 10 };

        var (status, reason) = Assess(options, ProviderHealth.Degraded, Ok(10), Failed(), Ok(10), Failed(), Ok(10));

        Assert.Equal(ProviderHealth.Degraded, status);
        Assert.Equal("partly failing: 60% of the last 5 probes succeeded", reason);
    }

    [Fact]
    public void Down_RecoversAfterTheConfiguredSuccesses()
    {
        var options = new ProviderHealthOptions { RecoverAfterSuccesses = 2 };

        var (held, reason) = Assess(options, ProviderHealth.Down, Failed(), Ok(10));
        Assert.Equal(ProviderHealth.Down, held);
        Assert.Equal("answering again, 1 of 2 probes needed to recover", reason);
        Assert.NotEqual(ProviderHealth.Down, Assess(options, ProviderHealth.Down, Failed(), Ok(10), Ok(10)).Status);
    }

    private static HealthAssessment Assess(ProviderHealthOptions options, ProviderHealth? previous, params ProbeResult[] results)
    {
        var stats = new ProbeStatistics(options.WindowSize, options.LatencySmoothing);
        foreach (var result in results)
        {
            stats.Record(result);
        }

        return new ProviderHealthPolicy(options).Assess(stats, previous);
    }
}

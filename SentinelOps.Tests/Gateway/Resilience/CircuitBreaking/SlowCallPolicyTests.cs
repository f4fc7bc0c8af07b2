using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Tests.Gateway.Resilience.CircuitBreaking;

public sealed class SlowCallPolicyTests
{
    [Fact]
    public void BeforeAnyObservation_TheThresholdIsTheFloor()
    {
        var policy = new SlowCallPolicy(new SlowCallOptions { MinThreshold = TimeSpan.FromSeconds(3) }, TimeSpan.FromSeconds(15));

        Assert.Equal(TimeSpan.FromSeconds(3), policy.ThresholdFor(null));
    }

    [Fact]
    public void TheThreshold_IsTheMultipleOfTheHighEstimate_BetweenFloorAndCeiling()
    {
        var policy = new SlowCallPolicy(new SlowCallOptions { ThresholdMultiplier = 2.5, MinThreshold = TimeSpan.FromSeconds(1), MaxThreshold = TimeSpan.FromSeconds(20) }, TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(5), policy.ThresholdFor(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.ThresholdFor(TimeSpan.FromMilliseconds(100)));
        Assert.Equal(TimeSpan.FromSeconds(20), policy.ThresholdFor(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void TheTimeToFirstTokenLimit_CapsTheCeiling_AndTheFloor()
    {
        var policy = new SlowCallPolicy(new SlowCallOptions { MinThreshold = TimeSpan.FromSeconds(2), MaxThreshold = TimeSpan.FromSeconds(15) }, TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(1), policy.Ceiling);
        Assert.Equal(TimeSpan.FromSeconds(1), policy.ThresholdFor(null));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.ThresholdFor(TimeSpan.FromSeconds(9)));
    }

    [Fact]
    public void TheEstimator_SkipsTheFirstCall_WhichAlsoPaysForTheGatewaysWarmUp()
    {
        var estimator = new MedianLatencyEstimator();

        estimator.Observe(TimeSpan.FromSeconds(4));
        Assert.Null(estimator.Median);

        estimator.Observe(TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.FromMilliseconds(300), estimator.Median);
    }

    [Fact]
    public void TheEstimator_IsTheMedianOfTheRecentCalls_SoOneSlowCallDoesNotMoveIt()
    {
        var estimator = new MedianLatencyEstimator();
        estimator.Observe(TimeSpan.Zero);
        foreach (var ms in new[] { 100, 120, 90, 10_000, 110 })
        {
            estimator.Observe(TimeSpan.FromMilliseconds(ms));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(110), estimator.Median);
    }

    [Fact]
    public void TheEstimator_ForgetsCallsOlderThanItsWindow()
    {
        var estimator = new MedianLatencyEstimator();
        estimator.Observe(TimeSpan.Zero);
        for (var i = 0; i < MedianLatencyEstimator.WindowSize; i++)
        {
            estimator.Observe(TimeSpan.FromSeconds(8));
        }

        for (var i = 0; i < (MedianLatencyEstimator.WindowSize / 2) + 1; i++)
        {
            estimator.Observe(TimeSpan.FromMilliseconds(500));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(500), estimator.Median);
    }

    [Fact]
    public void BeforeAnyObservation_TheInterChunkLimitIsItsCeiling_TenSecondsByDefault()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), SlowCallPolicy.Default.InterChunkLimitFor(null));

        var policy = new SlowCallPolicy(new SlowCallOptions { InterChunkMaxLimit = TimeSpan.FromSeconds(4) }, TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.FromSeconds(4), policy.InterChunkLimitFor(null));
    }

    [Fact]
    public void TheInterChunkLimit_IsTheMultipleOfTheTypicalLongestGap_BetweenItsFloorAndCeiling()
    {
        var policy = new SlowCallPolicy(
            new SlowCallOptions { InterChunkMultiplier = 3, InterChunkMinLimit = TimeSpan.FromSeconds(1), InterChunkMaxLimit = TimeSpan.FromSeconds(8) },
            TimeSpan.FromSeconds(15));

        Assert.Equal(TimeSpan.FromSeconds(6), policy.InterChunkLimitFor(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.InterChunkLimitFor(TimeSpan.FromMilliseconds(50)));
        Assert.Equal(TimeSpan.FromSeconds(8), policy.InterChunkLimitFor(TimeSpan.FromMinutes(1)));
    }
}

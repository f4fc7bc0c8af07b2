using SentinelOps.Gateway.Health;

namespace SentinelOps.Tests.Gateway.Health;

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
    public void TheEstimator_StartsAtThreeTimesTheFirstSample_AsRfc6298Does()
    {
        var estimator = new TimeToFirstTokenEstimator();

        estimator.Observe(TimeSpan.FromSeconds(1));

        // srtt = R, rttvar = R / 2, high estimate = srtt + 4 rttvar.
        Assert.Equal(TimeSpan.FromSeconds(3), estimator.HighEstimate);
        Assert.Equal(TimeSpan.FromSeconds(1), estimator.Smoothed);
    }

    [Fact]
    public void TheEstimator_Smooths_WithRfc6298Gains()
    {
        var estimator = new TimeToFirstTokenEstimator();
        estimator.Observe(TimeSpan.FromSeconds(1));

        estimator.Observe(TimeSpan.FromSeconds(3));

        // rttvar = 3/4 × 0.5 + 1/4 × |1 − 3| = 0.875; srtt = 7/8 × 1 + 1/8 × 3 = 1.25.
        Assert.Equal(TimeSpan.FromSeconds(1.25), estimator.Smoothed);
        Assert.Equal(TimeSpan.FromSeconds(1.25 + (4 * 0.875)), estimator.HighEstimate);
    }
}

using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Tests.Gateway.Resilience.CircuitBreaking;

/// <summary>Stalls after the first token in the breaker: the learnt inter-chunk limit each permit carries, and a
/// stall's verdict (a failure, the provider stalled until a call succeeds). Fake time throughout.</summary>
public sealed class CircuitBreakerStreamStallTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CircuitBreakerOptions _options = new()
    {
        FailureThreshold = 3,
        BreakDuration = TimeSpan.FromSeconds(30),
        MinimumThroughput = 10,
        SamplingDuration = TimeSpan.FromSeconds(60),
    };

    [Fact]
    public void BeforeAnythingIsLearnt_EachPermitCarriesTheCeiling()
    {
        var breaker = Create();

        Assert.True(breaker.TryEnter(out var permit));
        Assert.Equal(TimeSpan.FromSeconds(10), permit.InterChunkLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), breaker.GetSnapshot().InterChunkLimit);
    }

    [Theory]
    [InlineData(2_000, 8_000)]      // 4 × the typical longest gap
    [InlineData(100, 3_000)]        // the floor
    [InlineData(5_000, 10_000)]     // the ceiling
    public void TheInterChunkLimit_FollowsTheMedianLongestGapOfRecentStreams(int longestGapMs, int limitMs)
    {
        var breaker = Create();

        // The first stream warms up and is not learnt.
        Succeed(breaker, longestGap: TimeSpan.FromSeconds(9));
        for (var i = 0; i < 5; i++)
        {
            Succeed(breaker, longestGap: TimeSpan.FromMilliseconds(longestGapMs));
        }

        Assert.Equal(TimeSpan.FromMilliseconds(limitMs), breaker.GetSnapshot().InterChunkLimit);
        Assert.True(breaker.TryEnter(out var permit));
        Assert.Equal(TimeSpan.FromMilliseconds(limitMs), permit.InterChunkLimit);
    }

    [Fact]
    public void AStallAfterTheFirstToken_IsAFailure_MarksTheProviderStalled_AndSaysWhen()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var permit));
        breaker.RecordFirstToken(permit);

        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.RecordStreamStalled(permit, TimeSpan.FromSeconds(10));

        var snapshot = breaker.GetSnapshot();
        Assert.Equal((1, 0L, 1L), (snapshot.ConsecutiveFailures, snapshot.Successes, snapshot.Failures));
        Assert.Equal(0, snapshot.SuccessRatePercent);
        Assert.True(snapshot.Stalled);
        Assert.Equal(CircuitState.Closed, snapshot.State);
        Assert.Equal(_time.GetUtcNow(), snapshot.LastStall);
    }

    [Fact]
    public void WhileStalledAfterAFirstToken_OneTrialAtATimeGoesThrough_AndOnlyASuccessEndsTheStall()
    {
        var breaker = Create();
        Stall(breaker);

        Assert.True(breaker.TryEnter(out var trial));
        Assert.True(trial.IsStallTrial);
        Assert.False(breaker.TryEnter(out _));

        // A first token proves nothing about a provider that stalls after it.
        breaker.RecordFirstToken(trial);
        Assert.True(breaker.GetSnapshot().Stalled);
        Assert.False(breaker.WouldPermit());

        breaker.RecordSuccess(trial, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(50));
        Assert.False(breaker.GetSnapshot().Stalled);
        Assert.True(breaker.TryEnter(out var ordinary));
        Assert.False(ordinary.IsStallTrial);
    }

    [Fact]
    public void ThreeStallsAfterTheFirstToken_OpenTheCircuit()
    {
        var breaker = Create();
        for (var i = 0; i < 3; i++)
        {
            Stall(breaker);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.False(breaker.TryEnter(out _));
    }

    [Fact]
    public void AStallReportedTwice_CountsOnce()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var permit));
        breaker.RecordFirstToken(permit);
        breaker.RecordStreamStalled(permit, TimeSpan.FromSeconds(10));
        breaker.RecordAbandoned(permit);
        breaker.RecordStreamStalled(permit, TimeSpan.FromSeconds(10));

        Assert.Equal(1, breaker.GetSnapshot().Failures);
    }

    private CircuitBreaker Create() =>
        new("test", _options, _time, slowCalls: new SlowCallPolicy(new SlowCallOptions(), TimeSpan.FromSeconds(15)));

    private void Succeed(CircuitBreaker breaker, TimeSpan longestGap)
    {
        Assert.True(breaker.TryEnter(out var permit));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        breaker.RecordFirstToken(permit);
        _time.Advance(longestGap);
        breaker.RecordSuccess(permit, TimeSpan.FromMilliseconds(100), longestGap);
    }

    private void Stall(CircuitBreaker breaker)
    {
        Assert.True(breaker.TryEnter(out var permit));
        breaker.RecordFirstToken(permit);
        _time.Advance(permit.InterChunkLimit);
        breaker.RecordStreamStalled(permit, permit.InterChunkLimit);
    }
}

using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Tests.Gateway.Resilience.CircuitBreaking;

/// <summary>Slow-call accounting in the breaker: stalls count as failures however the attempt ends, slow successes
/// feed a ratio, and a stalled provider takes only bounded trials. Fake time throughout.</summary>
public sealed class CircuitBreakerSlowCallTests
{
    private static readonly TimeSpan Floor = SlowCallOptions.DefaultMinThreshold;

    private readonly FakeTimeProvider _time = new();
    private readonly CircuitBreakerOptions _options = new()
    {
        FailureThreshold = 3,
        BreakDuration = TimeSpan.FromSeconds(30),
        MinimumThroughput = 10,
        FailureRatio = 0.5,
        SamplingDuration = TimeSpan.FromSeconds(60),
    };

    [Fact]
    public void AStallEndedByTheAttemptTimeout_CountsAsAFailure_AndMarksTheProviderStalled()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var attempt));

        _time.Advance(TimeSpan.FromSeconds(15));
        breaker.RecordFailure(attempt);

        var snapshot = breaker.GetSnapshot();
        Assert.Equal((1, 0, 1), (snapshot.ConsecutiveFailures, snapshot.Successes, snapshot.Failures));
        Assert.True(snapshot.Stalled);
        Assert.Equal(0, snapshot.SuccessRatePercent);
    }

    [Fact]
    public void ACallerWhoGivesUpAfterTheThreshold_WithoutAFirstToken_CountsAsAFailure()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var attempt));

        _time.Advance(Floor);
        breaker.RecordAbandoned(attempt);

        var snapshot = breaker.GetSnapshot();
        Assert.Equal(1, snapshot.Failures);
        Assert.Equal(1, snapshot.ConsecutiveFailures);
        Assert.True(snapshot.Stalled);
    }

    [Fact]
    public void ACallerWhoGivesUpBeforeTheThreshold_IsIgnored()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var attempt));

        _time.Advance(Floor - TimeSpan.FromMilliseconds(1));
        breaker.RecordAbandoned(attempt);
        _time.Advance(TimeSpan.FromMinutes(1));

        var snapshot = breaker.GetSnapshot();
        Assert.Equal((0, 0L), (snapshot.ConsecutiveFailures, snapshot.Failures));
        Assert.False(snapshot.Stalled);
        Assert.True(breaker.TryEnter(out var next));
        Assert.False(next.IsStallTrial);
    }

    [Fact]
    public void ACallerWhoGivesUpAfterTheFirstToken_IsIgnored_HoweverLongItTook()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var attempt));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        breaker.RecordFirstToken(attempt);

        _time.Advance(TimeSpan.FromMinutes(2));
        breaker.RecordAbandoned(attempt);

        Assert.Equal(0, breaker.GetSnapshot().Failures);
    }

    [Fact]
    public void ThreeCallersGivingUpOnAHang_OpenTheCircuit()
    {
        var breaker = Create();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(breaker.TryEnter(out var attempt));
            _time.Advance(TimeSpan.FromSeconds(5));
            breaker.RecordAbandoned(attempt);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void WhileAnAttemptIsStalled_NewCallsDoNotJoinIt_ButOneTrialGoesThrough_WithTheThresholdAsItsLimit()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out _));
        _time.Advance(Floor - TimeSpan.FromMilliseconds(1));
        Assert.True(breaker.TryEnter(out var joined), "before the threshold, calls join freely");
        breaker.RecordFirstToken(joined);
        breaker.RecordSuccess(joined, TimeSpan.Zero);
        Assert.True(breaker.TryEnter(out var hanging));

        _time.Advance(Floor);

        Assert.True(breaker.WouldPermit());
        Assert.True(breaker.TryEnter(out var trial));
        Assert.True(trial.IsStallTrial);
        Assert.Equal(Floor, trial.TrialTimeToFirstToken);
        Assert.False(breaker.WouldPermit());
        Assert.False(breaker.TryEnter(out _));
        Assert.Equal("provider stalled (trial in progress)", breaker.RefusalReason);
        Assert.Equal(Floor, breaker.RetryAfterHint);
        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.GetSnapshot().Stalled);
        _ = hanging;
    }

    [Fact]
    public void TheNumberOfTrialsWhileStalled_IsConfigurable()
    {
        var breaker = Create(new SlowCallOptions { MaxTrialsWhileStalled = 2 });
        Assert.True(breaker.TryEnter(out _));
        _time.Advance(Floor);

        Assert.True(breaker.TryEnter(out var first));
        Assert.True(breaker.TryEnter(out var second));
        Assert.False(breaker.TryEnter(out _));
        Assert.True(first.IsStallTrial && second.IsStallTrial);

        breaker.RecordAbandoned(second);
        Assert.True(breaker.TryEnter(out var third), "a trial that ended without a verdict frees its place");
        Assert.True(third.IsStallTrial);
    }

    [Fact]
    public void ATrialsFirstToken_EndsTheStall_AndTheOlderHangStillCountsAsAFailureWhenItEnds()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var hanging));
        _time.Advance(Floor);
        Assert.True(breaker.TryEnter(out var trial));

        _time.Advance(TimeSpan.FromMilliseconds(50));
        breaker.RecordFirstToken(trial);

        Assert.False(breaker.GetSnapshot().Stalled);
        Assert.True(breaker.TryEnter(out var next));
        Assert.False(next.IsStallTrial);
        breaker.RecordFirstToken(next);
        breaker.RecordSuccess(next, TimeSpan.Zero);

        _time.Advance(TimeSpan.FromSeconds(10));
        breaker.RecordFailure(hanging);
        var snapshot = breaker.GetSnapshot();
        Assert.Equal(1, snapshot.Failures);
        Assert.False(snapshot.Stalled, "a later attempt was answered, so the old hang is no longer evidence");
    }

    [Fact]
    public void AfterAStall_TheProviderStaysOnTrial_UntilAnAttemptIsAnswered()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var first));
        _time.Advance(TimeSpan.FromSeconds(5));
        breaker.RecordAbandoned(first);

        Assert.True(breaker.TryEnter(out var trial));
        Assert.True(trial.IsStallTrial);
        Assert.False(breaker.TryEnter(out _));

        _time.Advance(TimeSpan.FromMilliseconds(20));
        breaker.RecordFirstToken(trial);
        breaker.RecordSuccess(trial, TimeSpan.FromMilliseconds(20));

        Assert.True(breaker.TryEnter(out var ordinary));
        Assert.False(ordinary.IsStallTrial);
        Assert.Null(ordinary.TrialTimeToFirstToken);
    }

    [Fact]
    public void StalledTrialsThatFail_OpenTheCircuit_AtTheFailureThreshold()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var first));
        _time.Advance(TimeSpan.FromSeconds(5));
        breaker.RecordAbandoned(first);

        for (var i = 0; i < 2; i++)
        {
            Assert.True(breaker.TryEnter(out var trial));
            Assert.True(trial.IsStallTrial);
            _time.Advance(trial.TrialTimeToFirstToken!.Value);
            breaker.RecordFailure(trial);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void TheHalfOpenTrial_CarriesTheThresholdAsItsTimeToFirstTokenLimit()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(breaker.TryEnter(out var trial));

        Assert.True(trial.IsTrial);
        Assert.Equal(Floor, trial.TrialTimeToFirstToken);
    }

    [Fact]
    public void SlowSuccesses_OpenTheCircuit_AtTheSlowCallRatio_OnceTheMinimumThroughputIsReached()
    {
        // Ceiling 1 s, so a 3 s first token stays slow however the estimate moves.
        var breaker = Create(new SlowCallOptions { MinThreshold = TimeSpan.FromMilliseconds(500), MaxThreshold = TimeSpan.FromSeconds(1), SlowCallRatio = 0.5 });
        for (var i = 0; i < 4; i++)
        {
            Succeed(breaker, timeToFirstToken: TimeSpan.FromMilliseconds(10));
        }

        for (var i = 0; i < 5; i++)
        {
            Succeed(breaker, timeToFirstToken: TimeSpan.FromSeconds(3));
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(5, breaker.GetSnapshot().SlowCalls);

        var reasons = new List<string>();
        breaker.StateChanged += (_, e) => reasons.Add(e.Reason);
        Succeed(breaker, timeToFirstToken: TimeSpan.FromSeconds(3));

        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.StartsWith("slow-call ratio 60", Assert.Single(reasons));
    }

    [Fact]
    public void FastSuccesses_AreNotSlow_AndTheThresholdStaysAtTheFloor()
    {
        var breaker = Create();
        for (var i = 0; i < 20; i++)
        {
            Succeed(breaker, timeToFirstToken: TimeSpan.FromMilliseconds(100));
        }

        var snapshot = breaker.GetSnapshot();
        Assert.Equal(0, snapshot.SlowCalls);
        Assert.Equal(Floor, snapshot.SlowCallThreshold);
        Assert.Equal(100, snapshot.TimeToFirstToken!.Value.TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void TheThreshold_FollowsASlowModelsObservedTimeToFirstToken_SoItsNormalCallsAreNotSlow()
    {
        var breaker = Create();
        Succeed(breaker, timeToFirstToken: TimeSpan.FromSeconds(3));
        Succeed(breaker, timeToFirstToken: TimeSpan.FromSeconds(3));
        Assert.Equal(2, breaker.GetSnapshot().SlowCalls); // measured against the floor, before anything was learnt

        for (var i = 0; i < 40; i++)
        {
            Succeed(breaker, timeToFirstToken: TimeSpan.FromSeconds(3));
        }

        var snapshot = breaker.GetSnapshot();

        // 4 × the median time to first token.
        Assert.Equal(TimeSpan.FromSeconds(12), snapshot.SlowCallThreshold);
        Assert.Equal(TimeSpan.FromSeconds(3), snapshot.TimeToFirstToken);
        Assert.Equal(0, snapshot.SlowCalls);
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void TheThreshold_IsClampedToTheCeiling()
    {
        var breaker = Create(new SlowCallOptions { MaxThreshold = TimeSpan.FromSeconds(10) }, timeToFirstTokenLimit: TimeSpan.FromSeconds(60));
        for (var i = 0; i < 10; i++)
        {
            Succeed(breaker, timeToFirstToken: TimeSpan.FromSeconds(30));
        }

        Assert.Equal(TimeSpan.FromSeconds(10), breaker.GetSnapshot().SlowCallThreshold);
    }

    private CircuitBreaker Create(SlowCallOptions? slowCalls = null, TimeSpan? timeToFirstTokenLimit = null) =>
        new("test", _options, _time, slowCalls: new SlowCallPolicy(slowCalls ?? new SlowCallOptions(), timeToFirstTokenLimit ?? TimeSpan.FromSeconds(15)));

    private CircuitBreaker Opened()
    {
        var breaker = Create();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(breaker.TryEnter(out var permit));
            breaker.RecordFailure(permit);
        }

        return breaker;
    }

    private void Succeed(CircuitBreaker breaker, TimeSpan timeToFirstToken)
    {
        Assert.True(breaker.TryEnter(out var permit));
        _time.Advance(timeToFirstToken);
        breaker.RecordFirstToken(permit);
        breaker.RecordSuccess(permit, timeToFirstToken);
    }
}

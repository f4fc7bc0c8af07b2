using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Tests.Gateway.Resilience.CircuitBreaking;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CircuitBreakerOptions _options = new()
    {
        FailureThreshold = 3,
        BreakDuration = TimeSpan.FromSeconds(30),
        BreakDurationMultiplier = 2,
        MaxBreakDuration = TimeSpan.FromSeconds(100),
        MinimumThroughput = 10,
        FailureRatio = 0.5,
        SamplingDuration = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void OpensAtTheConsecutiveFailureThreshold_NotBefore()
    {
        var breaker = Create();

        Fail(breaker);
        Fail(breaker);
        Assert.Equal(CircuitState.Closed, breaker.State);

        Fail(breaker);
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), breaker.BreakEndsAt);
    }

    [Fact]
    public void ASuccess_ResetsTheConsecutiveCount()
    {
        var breaker = Create();

        Fail(breaker);
        Fail(breaker);
        Succeed(breaker);
        Fail(breaker);
        Fail(breaker);

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void RejectsCallsWhileOpen_WithTheTimeLeft()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(breaker.WouldPermit());
        Assert.False(breaker.TryEnter(out _));
        Assert.Equal(TimeSpan.FromSeconds(20), breaker.GetSnapshot().RetryAfter);
    }

    [Fact]
    public void AfterTheBreak_LetsExactlyOneTrialThrough()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(breaker.WouldPermit());
        Assert.True(breaker.TryEnter(out var trial));
        Assert.True(trial.IsTrial);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);

        Assert.False(breaker.WouldPermit());
        Assert.False(breaker.TryEnter(out _));
    }

    [Fact]
    public void TrialSuccess_ClosesTheCircuit()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter(out var trial);

        breaker.RecordSuccess(trial, TimeSpan.FromMilliseconds(5));

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.True(breaker.TryEnter(out var next));
        Assert.False(next.IsTrial);
    }

    [Fact]
    public void TrialFailure_Reopens_WithALongerBreak_UpToTheCap()
    {
        var breaker = Opened();
        var breaks = new List<TimeSpan>();
        for (var trip = 0; trip < 3; trip++)
        {
            _time.Advance(breaker.GetSnapshot().RetryAfter!.Value);
            Assert.True(breaker.TryEnter(out var trial));
            breaker.RecordFailure(trial);
            Assert.Equal(CircuitState.Open, breaker.State);
            breaks.Add(breaker.GetSnapshot().RetryAfter!.Value);
        }

        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(100)], breaks);
    }

    [Fact]
    public void AfterClosing_TheNextTripStartsFromTheBaseBreakAgain()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter(out var trial);
        breaker.RecordFailure(trial); // second trip: 60 s
        _time.Advance(TimeSpan.FromSeconds(60));
        breaker.TryEnter(out trial);
        breaker.RecordSuccess(trial, TimeSpan.Zero);

        Fail(breaker);
        Fail(breaker);
        Fail(breaker);

        Assert.Equal(TimeSpan.FromSeconds(30), breaker.GetSnapshot().RetryAfter);
    }

    [Fact]
    public void OpensOnTheFailureRatio_OnceThroughputIsReached()
    {
        var breaker = Create();
        for (var i = 0; i < 5; i++)
        {
            Succeed(breaker);
            Fail(breaker);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void FailureRatio_ForgetsOutcomesOlderThanTheWindow()
    {
        var breaker = Create();
        for (var i = 0; i < 4; i++)
        {
            Succeed(breaker);
            Fail(breaker);
        }

        _time.Advance(TimeSpan.FromSeconds(31));
        Succeed(breaker);
        Fail(breaker);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(1, breaker.GetSnapshot().Failures);
    }

    [Fact]
    public void AbandonedTrial_LetsTheNextCallBeTheTrial()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter(out var trial);

        breaker.RecordAbandoned(trial);

        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.TryEnter(out var second));
        Assert.True(second.IsTrial);
    }

    [Fact]
    public void LateOutcomes_OfCallsAdmittedBeforeTheCircuitOpened_DoNotCloseIt()
    {
        var breaker = Create();
        breaker.TryEnter(out var slowCall);
        Fail(breaker);
        Fail(breaker);
        Fail(breaker);

        breaker.RecordSuccess(slowCall, TimeSpan.FromSeconds(1));

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    [Fact]
    public void Isolate_HoldsItOpenPastAnyBreak_UntilClosed()
    {
        var breaker = Create();

        breaker.Isolate("monitor reported down");
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(CircuitState.Isolated, breaker.State);
        Assert.False(breaker.TryEnter(out _));
        Assert.Null(breaker.BreakEndsAt);

        breaker.Close("monitor reported recovered");
        Assert.True(breaker.TryEnter(out _));
    }

    [Fact]
    public void Isolate_CancelsThenDisposesTheSourceItReplaces_WhosePermitsStillSeeItCancelled()
    {
        var breaker = Create();
        Assert.True(breaker.TryEnter(out var before));
        var cancelled = false;
        using var registration = before.Isolation.Register(() => cancelled = true);

        breaker.Isolate("monitor reported down");

        Assert.True(cancelled);
        Assert.True(before.Isolation.IsCancellationRequested);
        // Only a disposed source refuses to hand out its wait handle.
        Assert.Throws<ObjectDisposedException>(() => before.Isolation.WaitHandle);
        // A call registering late on its permit's token still hears of the isolation, at once.
        var late = false;
        using (before.Isolation.Register(() => late = true))
        {
            Assert.True(late);
        }

        // Isolated again after a close: the source the later permits got is released in turn.
        breaker.Close("monitor reported recovered");
        Assert.True(breaker.TryEnter(out var after));
        Assert.False(after.Isolation.IsCancellationRequested);
        breaker.Isolate("monitor reported down again");
        Assert.True(after.Isolation.IsCancellationRequested);
        Assert.Throws<ObjectDisposedException>(() => after.Isolation.WaitHandle);
    }

    [Fact]
    public void Isolated_RetryAfterHint_IsTheTimeUntilTheIsolatingPartyLooksAgain_NeverUnderASecond()
    {
        var breaker = Create();

        breaker.Isolate("monitor reported down");
        Assert.Null(breaker.RetryAfterHint);

        breaker.Isolate("monitor reported down again", reviewAfter: TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.FromSeconds(15), breaker.RetryAfterHint);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(5), breaker.RetryAfterHint);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(1), breaker.RetryAfterHint);
        Assert.Equal(CircuitState.Isolated, breaker.State);
    }

    [Fact]
    public void EndBreakNow_MakesTheNextCallTheTrial()
    {
        var breaker = Opened();

        Assert.True(breaker.EndBreakNow());

        Assert.True(breaker.TryEnter(out var trial));
        Assert.True(trial.IsTrial);
    }

    [Fact]
    public void StateChanges_AreAnnounced_InOrder()
    {
        var breaker = Create();
        var changes = new List<(CircuitState From, CircuitState To)>();
        breaker.StateChanged += (_, e) => changes.Add((e.From, e.To));

        Fail(breaker);
        Fail(breaker);
        Fail(breaker);
        _time.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter(out var trial);
        breaker.RecordSuccess(trial, TimeSpan.Zero);

        Assert.Equal(
            [(CircuitState.Closed, CircuitState.Open), (CircuitState.Open, CircuitState.HalfOpen), (CircuitState.HalfOpen, CircuitState.Closed)],
            changes);
    }

    [Fact]
    public void Snapshot_ReportsSuccessRateAndSmoothedLatency()
    {
        var breaker = Create();
        breaker.TryEnter(out var permit);
        breaker.RecordSuccess(permit, TimeSpan.FromMilliseconds(100));
        breaker.TryEnter(out permit);
        breaker.RecordSuccess(permit, TimeSpan.FromMilliseconds(200));
        Fail(breaker);

        var snapshot = breaker.GetSnapshot();

        Assert.Equal(66.7, snapshot.SuccessRatePercent);
        Assert.Equal(120, snapshot.AverageLatency!.Value.TotalMilliseconds, precision: 3);
    }

    private CircuitBreaker Create() => new("test", _options, _time);

    private CircuitBreaker Opened()
    {
        var breaker = Create();
        Fail(breaker);
        Fail(breaker);
        Fail(breaker);
        return breaker;
    }

    private static void Fail(CircuitBreaker breaker)
    {
        Assert.True(breaker.TryEnter(out var permit));
        breaker.RecordFailure(permit);
    }

    private static void Succeed(CircuitBreaker breaker)
    {
        Assert.True(breaker.TryEnter(out var permit));
        breaker.RecordSuccess(permit, TimeSpan.FromMilliseconds(1));
    }
}

using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Tests.Gateway.Resilience.CircuitBreaking;

/// <summary>Another replica's decisions applied to a circuit, through the one writer: when they hold, and when not.</summary>
public sealed class CircuitBreakerReplicaTests
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();
    private readonly CircuitBreaker _breaker;
    private readonly ProviderHealthUpdater _health;
    private readonly List<CircuitStateChangedEventArgs> _changes = [];

    public CircuitBreakerReplicaTests()
    {
        _breaker = new CircuitBreaker("primary", new CircuitBreakerOptions { FailureThreshold = 1, BreakDuration = Break }, _time);
        _breaker.StateChanged += (_, change) => _changes.Add(change);
        _health = new ProviderHealthUpdater([_breaker], _time);
    }

    [Fact]
    public void ARemoteOpen_OpensForTheRestOfThatBreak_AsThatReplicasDecision()
    {
        var openedAt = _time.GetUtcNow() - TimeSpan.FromSeconds(10);

        Assert.True(_health.ReplicaOpened("primary", "gateway-a", "b1", openedAt, openedAt + Break, "3 consecutive failures"));

        Assert.Equal(CircuitState.Open, _breaker.State);
        Assert.Equal(openedAt + Break, _breaker.BreakEndsAt);
        Assert.Equal(TimeSpan.FromSeconds(20), _breaker.RetryAfter);
        Assert.Equal("b1", _breaker.BreakId);
        Assert.Equal("gateway-a", _breaker.GetSnapshot().DecidedBy);
        Assert.False(_breaker.WouldPermit());

        // Raised as the other replica's decision: the publisher does not echo it.
        var change = Assert.Single(_changes);
        Assert.Equal(("gateway-a", "b1"), (change.DecidedBy, change.BreakId));

        // The same break again changes nothing; at its end the next call is this replica's half-open trial.
        Assert.False(_health.ReplicaOpened("primary", "gateway-a", "b1", openedAt, openedAt + Break, "again"));
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(_breaker.TryEnter(out var trial));
        Assert.True(trial.IsTrial);
        Assert.Equal("b1", trial.BreakId);
    }

    [Fact]
    public void ALocalOpen_IsRaisedAsThisReplicasDecision_WithItsBreak()
    {
        Assert.True(_breaker.TryEnter(out var permit));
        _breaker.RecordFailure(permit);

        var change = Assert.Single(_changes);
        Assert.Null(change.DecidedBy);
        Assert.NotNull(change.BreakId);
        Assert.Equal(_time.GetUtcNow() + Break, change.BreakEndsAt);
        Assert.Null(_breaker.GetSnapshot().DecidedBy);
    }

    [Fact]
    public void TwoReplicasOpeningAtOnce_AgreeOnTheBreakThatEndsLast()
    {
        Assert.True(_breaker.TryEnter(out var permit));
        _breaker.RecordFailure(permit);
        var local = _breaker.BreakId!;
        var now = _time.GetUtcNow();

        // Ends sooner: kept ours. Ends later: theirs.
        Assert.False(_health.ReplicaOpened("primary", "gateway-b", "x-sooner", now, now + Break - TimeSpan.FromSeconds(1), "r"));
        Assert.Equal(local, _breaker.BreakId);
        Assert.True(_health.ReplicaOpened("primary", "gateway-b", "x-later", now, now + Break + TimeSpan.FromMilliseconds(5), "r"));
        Assert.Equal("x-later", _breaker.BreakId);
    }

    [Fact]
    public void AnIsolatedCircuit_AndABreakAlreadyOver_AreNotOpenedByAnotherReplica()
    {
        var now = _time.GetUtcNow();
        Assert.False(_health.ReplicaOpened("primary", "gateway-a", "old", now - Break - Break, now - Break, "old news"));
        Assert.Equal(CircuitState.Closed, _breaker.State);

        _health.MonitorFoundDown("primary", "probe failed", reviewAfter: null, now);
        Assert.False(_health.ReplicaOpened("primary", "gateway-a", "b1", now, now + Break, "r"));
        Assert.Equal(CircuitState.Isolated, _breaker.State);
    }

    [Fact]
    public void ARemoteClose_ClosesOnlyTheBreakItEnds()
    {
        var now = _time.GetUtcNow();
        _health.ReplicaOpened("primary", "gateway-a", "b1", now, now + Break, "r");

        Assert.False(_health.ReplicaClosed("primary", "gateway-a", "another", "trial call succeeded"));
        Assert.Equal(CircuitState.Open, _breaker.State);

        Assert.True(_health.ReplicaClosed("primary", "gateway-a", "b1", "trial call succeeded"));
        Assert.Equal(CircuitState.Closed, _breaker.State);
        Assert.Equal("gateway-a", _breaker.GetSnapshot().DecidedBy);
        Assert.True(_breaker.WouldPermit());
    }

    [Fact]
    public void ATrialLeasedElsewhere_RefusesCalls_UntilTheLeaseRunsOut()
    {
        Assert.True(_breaker.TryEnter(out var permit));
        _breaker.RecordFailure(permit);
        _time.Advance(Break);
        Assert.True(_breaker.TryEnter(out var trial));

        _breaker.RecordTrialElsewhere(trial, "gateway-b", TimeSpan.FromSeconds(5));

        Assert.Equal(CircuitState.HalfOpen, _breaker.State);
        Assert.False(_breaker.WouldPermit());
        Assert.False(_breaker.TryEnter(out _));
        Assert.Equal("circuit half-open (trial on replica gateway-b)", _breaker.RefusalReason);
        Assert.Equal(TimeSpan.FromSeconds(5), _breaker.RetryAfterHint);

        // No verdict heard within the lease: the next call asks for the trial again.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(_breaker.WouldPermit());
        Assert.True(_breaker.TryEnter(out var again));
        Assert.True(again.IsTrial);
    }
}

using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Resilience.CircuitBreaking;

/// <summary>The one writer of provider health: calls, the monitor, an operator and the router, and who may override whom.</summary>
public sealed class ProviderHealthUpdaterTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly CircuitBreaker _primary;
    private readonly CircuitBreaker _fallback;
    private readonly ProviderHealthUpdater _health;

    public ProviderHealthUpdaterTests()
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(30) };
        _primary = new CircuitBreaker("primary", options, _time);
        _fallback = new CircuitBreaker("fallback", options, _time);
        _health = new ProviderHealthUpdater([_primary, _fallback], _time);
    }

    [Fact]
    public void TheMonitorFindingAProviderDown_IsolatesIt_AndFindingItUp_ClosesIt()
    {
        _health.MonitorFoundDown("primary", "probe failed", reviewAfter: TimeSpan.FromSeconds(15), _time.GetUtcNow());
        Assert.Equal(CircuitState.Isolated, _primary.State);
        Assert.Equal(TimeSpan.FromSeconds(15), _primary.RetryAfterHint);
        Assert.Equal(CircuitState.Closed, _fallback.State);

        _health.MonitorFoundUp("primary", "probe succeeded");
        Assert.Equal(CircuitState.Closed, _primary.State);
    }

    [Fact]
    public void AHealthyReport_LeavesACircuitTheGatewayOpenedByItsOwnCount_OpenForItsBreak()
    {
        Assert.True(_primary.TryEnter(out var permit));
        _primary.RecordFailure(permit);
        Assert.Equal(CircuitState.Open, _primary.State);

        _health.MonitorFoundUp("primary", "probe succeeded");
        Assert.Equal(CircuitState.Open, _primary.State);

        // A recovery the monitor recorded closes it, whoever opened it.
        _health.MonitorFoundUp("primary", "provider_recovered", recovered: true);
        Assert.Equal(CircuitState.Closed, _primary.State);
    }

    [Fact]
    public void AnOperatorsReset_ClosesEveryCircuit_AndForgetsWhatTheMonitorIsolated()
    {
        _health.MonitorFoundDown("primary", "probe failed", reviewAfter: null, _time.GetUtcNow());
        Assert.True(_fallback.TryEnter(out var permit));
        _fallback.RecordFailure(permit);

        var states = _health.ResetAll("reset by an operator");

        Assert.Equal((CircuitState.Isolated, CircuitState.Closed), states["primary"]);
        Assert.Equal((CircuitState.Open, CircuitState.Closed), states["fallback"]);

        // The monitor's later "up" has nothing of its own left to close: a circuit opened since keeps its break.
        Assert.True(_primary.TryEnter(out permit));
        _primary.RecordFailure(permit);
        _health.MonitorFoundUp("primary", "probe succeeded");
        Assert.Equal(CircuitState.Open, _primary.State);
    }

    [Fact]
    public void AFindingTakenBeforeAnOperatorsReset_DoesNotUndoIt()
    {
        var probedAt = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(1));
        _health.ResetAll("reset by an operator");

        // The monitor's probe of the outage the operator has since mended arrives late.
        _health.MonitorFoundDown("primary", "probe failed", reviewAfter: null, probedAt);
        Assert.Equal(CircuitState.Closed, _primary.State);

        // A finding taken after the reset counts.
        _time.Advance(TimeSpan.FromSeconds(1));
        _health.MonitorFoundDown("primary", "probe failed", reviewAfter: null, _time.GetUtcNow());
        Assert.Equal(CircuitState.Isolated, _primary.State);
    }

    [Fact]
    public void AnEarlyTrial_IsGivenOncePerOutage()
    {
        Assert.True(_primary.TryEnter(out var permit));
        _primary.RecordFailure(permit);

        Assert.True(_health.StartEarlyTrial(_primary));
        Assert.Equal(CircuitState.HalfOpen, _primary.State);
        Assert.True(_primary.TryEnter(out var trial));
        _primary.RecordFailure(trial);
        Assert.Equal(CircuitState.Open, _primary.State);

        Assert.False(_health.StartEarlyTrial(_primary));
        Assert.Equal(CircuitState.Open, _primary.State);
    }

    [Fact]
    public void UnknownProviders_AreIgnored()
    {
        _health.MonitorFoundDown("nobody", "probe failed", reviewAfter: null, _time.GetUtcNow());
        _health.MonitorFoundUp("nobody", "probe succeeded", recovered: true);

        Assert.Equal(CircuitState.Closed, _primary.State);
        Assert.Equal(CircuitState.Closed, _fallback.State);
    }

    [Fact]
    public void FailedCallsReportedThroughTheUpdater_OpenTheCircuitAtTheThreshold_RaisedLikeAMonitorFinding()
    {
        var options = new CircuitBreakerOptions { FailureThreshold = 3, BreakDuration = TimeSpan.FromSeconds(30) };
        var called = new CircuitBreaker("called", options, _time);
        var probed = new CircuitBreaker("probed", options, _time);
        var health = new ProviderHealthUpdater([called, probed], _time);
        var changes = new List<CircuitStateChangedEventArgs>();
        called.StateChanged += (_, change) => changes.Add(change);
        probed.StateChanged += (_, change) => changes.Add(change);

        for (var i = 0; i < 2; i++)
        {
            Assert.True(called.TryEnter(out var permit));
            health.CallFailed(called, permit);
        }

        Assert.Equal(CircuitState.Closed, called.State);
        Assert.Empty(changes);

        Assert.True(called.TryEnter(out var third));
        health.CallFailed(called, third);
        health.MonitorFoundDown("probed", "probe failed", reviewAfter: null, _time.GetUtcNow());

        Assert.Equal(CircuitState.Open, called.State);
        Assert.Equal(
            [("called", CircuitState.Closed, CircuitState.Open), ("probed", CircuitState.Closed, CircuitState.Isolated)],
            changes.Select(c => (c.Provider, c.From, c.To)));
        Assert.Equal("3 consecutive failures", changes[0].Reason);
    }

    [Fact]
    public void ACallOutcomeForACircuitTheUpdaterDoesNotWrite_IsRefused_AndLeavesThatCircuitAlone()
    {
        var foreign = new CircuitBreaker("foreign", new CircuitBreakerOptions { FailureThreshold = 1 }, _time);
        var foreignHealth = new ProviderHealthUpdater([foreign], _time);
        Assert.True(foreign.TryEnter(out var permit));

        Assert.Throws<ArgumentException>(() => _health.CallFailed(foreign, permit));
        Assert.Throws<ArgumentException>(() => _health.StreamStalled(foreign, permit, TimeSpan.FromSeconds(5)));
        Assert.Throws<ArgumentException>(() => _health.StartEarlyTrial(foreign));
        Assert.Equal(CircuitState.Closed, foreign.State);

        // Its own writer is heard.
        foreignHealth.CallFailed(foreign, permit);
        Assert.Equal(CircuitState.Open, foreign.State);
    }

    [Fact]
    public void ACircuitHasOneWriter_ASecondUpdaterOverIt_AndMiddlewareReportingElsewhere_AreRefused()
    {
        Assert.Throws<InvalidOperationException>(() => new ProviderHealthUpdater([_primary], _time));

        var other = new ProviderHealthUpdater([new CircuitBreaker("other", new CircuitBreakerOptions(), _time)], _time);
        Assert.Throws<ArgumentException>(() => new CircuitBreakerChatClient(TestChatClient.Answering("unused"), other, _primary, _time));
    }
}

using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Tests.Gateway.Resilience.CircuitBreaking;

/// <summary>Who may override whom when circuits change from outside a call: the monitor, an operator, the router.</summary>
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
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Gateway.Routing.Drift;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Providers;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Routing.Drift;

/// <summary>The drift detector and the weight steps, down and back up, on fake time.</summary>
public sealed class ProviderDriftUpdaterTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingEventSink _sink = new();
    private readonly DriftOptions _options = new();
    private readonly ProviderClient _primary;
    private readonly ProviderClient _fallback;
    private readonly ProviderDriftUpdater _updater;

    public ProviderDriftUpdaterTests()
    {
        _primary = Provider("primary");
        _fallback = Provider("fallback");
        _updater = new ProviderDriftUpdater([_primary, _fallback], _options, _sink, _time, NullLogger<ProviderDriftUpdater>.Instance);
        _updater.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    [Fact]
    public void ALatencyDrift_StepsTheWeightDown_50_10_1_OnePerInterval_AndRecordsOneIncident()
    {
        Traffic(_primary, TimeSpan.FromMilliseconds(200), seconds: 120);
        Assert.Equal(DriftState.Healthy, _primary.Drift.Status.State);
        Assert.Equal(1.0, _primary.Drift.Weight);

        var weights = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            Traffic(_primary, TimeSpan.FromMilliseconds(2000), seconds: Interval.TotalSeconds); // 10x its baseline; the timer steps once
            weights.Add(_primary.Drift.Weight);
        }

        Assert.Equal([0.5, 0.1, 0.01, 0.01, 0.01], weights);
        var status = _primary.Drift.Status;
        Assert.Equal(DriftState.Degraded, status.State);
        Assert.Contains("x its 200 ms baseline", status.Reason);
        var incident = Assert.Single(_sink.Incidents);
        Assert.Equal((IncidentType.ProviderDegraded, "primary", "gateway"), (incident.Type, incident.Provider, incident.Source));
        Assert.Contains("traffic weight 50%", incident.Detail);
        Assert.Equal(1.0, _fallback.Drift.Weight);
    }

    [Fact]
    public void OnceHealthyAgain_TheWeightClimbsBack_10_50_100_OnePerInterval_AndTheRecoveryIsRecorded()
    {
        Traffic(_primary, TimeSpan.FromMilliseconds(200), seconds: 120);
        for (var i = 0; i < 3; i++)
        {
            Traffic(_primary, TimeSpan.FromMilliseconds(2000), seconds: Interval.TotalSeconds);
        }

        Assert.Equal(0.01, _primary.Drift.Weight);

        // Back to its usual latency. The first interval still carries the slow calls in its fast average: it holds.
        var weights = new List<double>();
        var states = new List<DriftState>();
        for (var i = 0; i < 5; i++)
        {
            Traffic(_primary, TimeSpan.FromMilliseconds(200), seconds: Interval.TotalSeconds, perSecond: 2);
            weights.Add(_primary.Drift.Weight);
            states.Add(_primary.Drift.Status.State);
        }

        var climb = weights.SkipWhile(w => w == 0.01).ToList();
        Assert.Equal([0.1, 0.5, 1.0], climb.Take(3));
        Assert.Equal(DriftState.Recovering, states[weights.IndexOf(0.1)]);
        Assert.Equal(DriftState.Healthy, states[^1]);
        Assert.Equal([IncidentType.ProviderDegraded, IncidentType.ProviderRecovered], _sink.Incidents.Select(i => i.Type));
        Assert.Null(_primary.Drift.Status.Reason);
    }

    [Fact]
    public void DriftingAgainWhileRecovering_StepsBackDown_WithoutASecondIncident()
    {
        Traffic(_primary, TimeSpan.FromMilliseconds(200), seconds: 120);
        for (var i = 0; i < 3; i++)
        {
            Traffic(_primary, TimeSpan.FromMilliseconds(2000), seconds: Interval.TotalSeconds);
        }

        while (_primary.Drift.Weight < 0.1)
        {
            Traffic(_primary, TimeSpan.FromMilliseconds(200), seconds: Interval.TotalSeconds, perSecond: 2);
        }

        Assert.Equal(DriftState.Recovering, _primary.Drift.Status.State);
        Traffic(_primary, TimeSpan.FromMilliseconds(5000), seconds: Interval.TotalSeconds, perSecond: 2);

        Assert.Equal((DriftState.Degraded, 0.01), (_primary.Drift.Status.State, _primary.Drift.Weight));
        Assert.Single(_sink.Incidents);
    }

    [Fact]
    public void ErrorsRisingBelowTheBreakersThreshold_AreDriftToo()
    {
        Traffic(_primary, TimeSpan.FromMilliseconds(200), seconds: 120);

        // One call in four fails: never three in a row, and under the breaker's 50% failure ratio.
        for (var second = 0; second < 10; second++)
        {
            _primary.Drift.RecordSuccess(TimeSpan.FromMilliseconds(200));
            _primary.Drift.RecordSuccess(TimeSpan.FromMilliseconds(200));
            _primary.Drift.RecordSuccess(TimeSpan.FromMilliseconds(200));
            _primary.Drift.RecordFailure();
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal((DriftState.Degraded, 0.5), (_primary.Drift.Status.State, _primary.Drift.Weight));
        Assert.Contains("error rate", _primary.Drift.Status.Reason);
    }

    [Fact]
    public void JitterOnAVeryFastProvider_UnderTheLatencyFloor_IsNoDrift()
    {
        Traffic(_primary, TimeSpan.FromMilliseconds(2), seconds: 120);
        Traffic(_primary, TimeSpan.FromMilliseconds(30), seconds: 30); // 15x its baseline, yet under 3x the 50 ms floor

        Assert.Equal((DriftState.Healthy, 1.0), (_primary.Drift.Status.State, _primary.Drift.Weight));
        Assert.Empty(_sink.Incidents);
    }

    [Fact]
    public void TooFewCalls_AreNoDrift()
    {
        Traffic(_primary, TimeSpan.FromMilliseconds(200), seconds: 120);
        _time.Advance(TimeSpan.FromMinutes(1)); // the fast window empties

        _primary.Drift.RecordSuccess(TimeSpan.FromSeconds(5));
        _primary.Drift.RecordSuccess(TimeSpan.FromSeconds(5));
        _time.Advance(Interval);

        Assert.Equal(1.0, _primary.Drift.Weight);
    }

    [Fact]
    public void SlowProbes_DrainAProviderWithoutTraffic_AndFastOnesGiveItBack()
    {
        for (var i = 0; i < 6; i++)
        {
            _primary.Drift.RecordProbe(TimeSpan.FromMilliseconds(100));
            _time.Advance(TimeSpan.FromSeconds(15));
        }

        _primary.Drift.RecordProbe(TimeSpan.FromMilliseconds(600));
        _time.Advance(Interval);
        Assert.Equal((DriftState.Degraded, 0.5), (_primary.Drift.Status.State, _primary.Drift.Weight));
        Assert.Contains("probe latency", _primary.Drift.Status.Reason);

        _time.Advance(Interval);
        Assert.Equal(0.1, _primary.Drift.Weight); // the latest probe is still slow: one more step down
        _primary.Drift.RecordProbe(TimeSpan.FromMilliseconds(110));
        _time.Advance(Interval);
        Assert.Equal((DriftState.Recovering, 0.5), (_primary.Drift.Status.State, _primary.Drift.Weight));
    }

    [Fact]
    public void ASlowProbeFromAMonitorThatStopped_NoLongerCounts()
    {
        for (var i = 0; i < 6; i++)
        {
            _primary.Drift.RecordProbe(TimeSpan.FromMilliseconds(100));
            _time.Advance(TimeSpan.FromSeconds(15));
        }

        _primary.Drift.RecordProbe(TimeSpan.FromMilliseconds(600));
        _time.Advance(Interval);
        Assert.Equal(DriftState.Degraded, _primary.Drift.Status.State);

        // No probe for over two minutes; calls at the usual latency are the only evidence left, and it is good.
        _time.Advance(TimeSpan.FromMinutes(2));
        Traffic(_primary, TimeSpan.FromMilliseconds(100), seconds: 40);

        Assert.Equal((DriftState.Healthy, 1.0), (_primary.Drift.Status.State, _primary.Drift.Weight));
    }

    [Fact]
    public void ALatencySettledAtANewLevel_IsReBaselined_AfterBaselineWindow_AndClimbsBackInSteps()
    {
        Traffic(_primary, TimeSpan.FromMilliseconds(412), seconds: 120);
        Traffic(_primary, TimeSpan.FromMilliseconds(1630), seconds: 40); // a model update: 4x slower, and it stays so
        Assert.Equal((DriftState.Degraded, 0.01), (_primary.Drift.Status.State, _primary.Drift.Weight));

        // Still drained just short of RebaselineAfter (default: BaselineWindow, 5 min) of a steady level.
        Traffic(_primary, TimeSpan.FromMilliseconds(1630), seconds: 240);
        Assert.Equal(0.01, _primary.Drift.Weight);

        var weights = new List<double>();
        var reasons = new List<string?>();
        for (var i = 0; i < 12; i++)
        {
            Traffic(_primary, TimeSpan.FromMilliseconds(1630), seconds: Interval.TotalSeconds);
            weights.Add(_primary.Drift.Weight);
            reasons.Add(_primary.Drift.Status.Reason);
        }

        Assert.StartsWith("re-baselined: latency settled at", reasons[weights.IndexOf(0.1)]);
        var climb = weights.SkipWhile(w => w == 0.01).ToList();
        Assert.Equal([0.1, 0.5, 1.0, 1.0], climb.Take(4));
        Assert.Equal([IncidentType.ProviderDegraded, IncidentType.ProviderRecovered], _sink.Incidents.Select(i => i.Type));
        Assert.Matches(@"^primary re-baselined: latency settled at 16\d\d ms \(was 41\d ms\); full traffic restored after \d+ s$", _sink.Incidents.ElementAt(1).Detail);
        Assert.Equal(DriftState.Healthy, _primary.Drift.Status.State);
        Assert.InRange(_primary.Drift.Read().BaselineLatencyMs!.Value, 1500, 1700);
    }

    [Fact]
    public void ALatencyThatKeepsRising_IsNotReBaselined()
    {
        Traffic(_primary, TimeSpan.FromMilliseconds(400), seconds: 120);
        var latency = 1600.0;
        for (var minute = 0; minute < 12; minute++)
        {
            Traffic(_primary, TimeSpan.FromMilliseconds(latency), seconds: 60);
            latency *= 1.6; // past RecoveryRatio (1.5) of the level before, every minute
        }

        Assert.Equal((DriftState.Degraded, 0.01), (_primary.Drift.Status.State, _primary.Drift.Weight));
        Assert.Equal([IncidentType.ProviderDegraded], _sink.Incidents.Select(i => i.Type));
        Assert.InRange(_primary.Drift.Read().BaselineLatencyMs!.Value, 390, 410);
    }

    [Fact]
    public void ANewLevelWithErrorsStillRaised_IsNotReBaselined()
    {
        Traffic(_primary, TimeSpan.FromMilliseconds(400), seconds: 120);
        for (var second = 0; second < 12 * 60; second++)
        {
            // Steady at 1600 ms, but one call in four fails.
            _primary.Drift.RecordSuccess(TimeSpan.FromMilliseconds(1600));
            _primary.Drift.RecordSuccess(TimeSpan.FromMilliseconds(1600));
            _primary.Drift.RecordSuccess(TimeSpan.FromMilliseconds(1600));
            _primary.Drift.RecordFailure();
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal((DriftState.Degraded, 0.01), (_primary.Drift.Status.State, _primary.Drift.Weight));
        Assert.Equal([IncidentType.ProviderDegraded], _sink.Incidents.Select(i => i.Type));
        Assert.InRange(_primary.Drift.Read().BaselineLatencyMs!.Value, 390, 410);
    }

    // `perSecond` calls at `latency` every second for `seconds`, the clock moving a second at a time (so the
    // updater's timer fires on its own interval).
    private void Traffic(ProviderClient provider, TimeSpan latency, double seconds, int perSecond = 5)
    {
        for (var second = 0; second < seconds; second++)
        {
            for (var call = 0; call < perSecond; call++)
            {
                provider.Drift.RecordSuccess(latency);
            }

            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private ProviderClient Provider(string name) =>
        new(new ProviderOptions { Name = name }, TestChatClient.Answering(name), new CircuitBreaker(name, new CircuitBreakerOptions(), _time))
        {
            Drift = new ProviderDriftState(_options, _time),
        };
}

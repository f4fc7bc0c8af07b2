using SentinelOps.Monitor.Health;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Probing;
using SentinelOps.Shared.Providers;
using static SentinelOps.Tests.Shared.Probing.ProbeStatisticsTests;

namespace SentinelOps.Tests.Monitor.Health;

public sealed class ProviderHealthTrackerTests
{
    private static readonly ProviderOptions Provider = new() { Name = "primary", Endpoint = new Uri("http://localhost/v1"), Model = "m" };

    [Fact]
    public void FirstHealthyProbe_RecordsNoIncident()
    {
        var tracker = Create();

        var update = tracker.Update(Ok(100));

        Assert.Null(update.Previous);
        Assert.Empty(update.Incidents);
        Assert.Equal(ProviderHealth.Healthy, update.Report.Status);
        Assert.Equal(100, update.Report.LatencyMs);
        Assert.Equal(100, update.Report.P95LatencyMs);
        Assert.Equal(100, update.Report.SuccessRatePct);
    }

    [Fact]
    public void FirstProbeDown_RecordsProviderDown()
    {
        var update = Create().Update(Failed() with { TraceId = "0af7651916cd43dd8448eb211c80319c" });

        var incident = Assert.Single(update.Incidents);
        Assert.Equal(IncidentType.ProviderDown, incident.Type);
        Assert.Equal("primary", incident.Provider);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", incident.TraceId);
        Assert.Equal("monitor", incident.Source);
        Assert.Equal("probe failed: HTTP 503 (Service Unavailable)", incident.Detail);
        Assert.Equal("HTTP 503 (Service Unavailable)", update.Report.Error);
        Assert.Null(update.Report.LatencyMs);
    }

    [Fact]
    public void Outage_ThenRestore_RecordsDownOnce_ThenRecovered_AndJudgesTheRecoveryAfresh()
    {
        var tracker = Create();
        tracker.Update(Ok(100));

        var down = tracker.Update(Failed());
        var stillDown = tracker.Update(Failed());
        var recovered = tracker.Update(Ok(100));
        var steady = tracker.Update(Ok(100));

        Assert.Equal(IncidentType.ProviderDown, Assert.Single(down.Incidents).Type);
        Assert.Empty(stillDown.Incidents);
        Assert.Equal(ProviderHealth.Down, stillDown.Report.Status);
        Assert.Equal(IncidentType.ProviderRecovered, Assert.Single(recovered.Incidents).Type);
        Assert.Equal(ProviderHealth.Healthy, recovered.Report.Status); // the outage's failures no longer count against it
        Assert.Equal(100, recovered.Report.SuccessRatePct);
        Assert.Empty(steady.Incidents);
    }

    [Fact]
    public void SlowAfterAnOutage_RecordsRecovered_ThenDegraded()
    {
        var tracker = Create(new ProviderHealthOptions { SlowThreshold = TimeSpan.FromMilliseconds(500) });
        tracker.Update(Failed());

        var update = tracker.Update(Ok(2000));

        Assert.Equal(ProviderHealth.Degraded, update.Report.Status);
        Assert.Equal([IncidentType.ProviderRecovered, IncidentType.ProviderDegraded], update.Incidents.Select(i => i.Type));
        Assert.Equal(update.Incidents[0].Timestamp, update.Incidents[1].Timestamp);
        Assert.NotEqual(update.Incidents[0].Id, update.Incidents[1].Id);
    }

    [Fact]
    public void HealthyToDegradedAndBack_RecordsDegraded_ThenRecovered()
    {
        var tracker = Create(new ProviderHealthOptions { DownAfterFailures = 2 });
        tracker.Update(Ok(10));

        var degraded = tracker.Update(Failed());
        var recovered = tracker.Update(Ok(10)); // 2 of 3 recent probes succeeded: still partly failing
        Assert.Equal(IncidentType.ProviderDegraded, Assert.Single(degraded.Incidents).Type);
        Assert.StartsWith("partly failing: 1 of 2 failed probes", degraded.Incidents[0].Detail, StringComparison.Ordinal);
        Assert.Empty(recovered.Incidents);
        Assert.Equal(ProviderHealth.Degraded, recovered.Report.Status);

        ProviderHealthUpdate? update = null;
        for (var i = 0; i < 20 && update?.Report.Status != ProviderHealth.Healthy; i++)
        {
            update = tracker.Update(Ok(10));
        }

        Assert.Equal(IncidentType.ProviderRecovered, Assert.Single(update!.Incidents).Type);
    }

    [Fact]
    public void ResumedAsDown_StillDown_RecordsNothingNew_ThenRecovers()
    {
        var tracker = Create();
        tracker.Resume(ProviderHealth.Down);

        Assert.Empty(tracker.Update(Failed()).Incidents);
        Assert.Equal(IncidentType.ProviderRecovered, Assert.Single(tracker.Update(Ok(10)).Incidents).Type);
    }

    [Fact]
    public void Resume_DoesNotOverrideWhatThisProcessHasSeen()
    {
        var tracker = Create();
        tracker.Update(Ok(10));

        tracker.Resume(ProviderHealth.Down);

        Assert.Equal(ProviderHealth.Healthy, tracker.Status);
    }

    private static ProviderHealthTracker Create(ProviderHealthOptions? options = null)
    {
        options ??= new ProviderHealthOptions();
        return new ProviderHealthTracker(Provider, new ProviderHealthPolicy(options), options);
    }
}

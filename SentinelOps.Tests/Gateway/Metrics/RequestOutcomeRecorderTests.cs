using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Metrics;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Metrics;

public sealed class RequestOutcomeRecorderTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingEventSink _sink = new();
    private readonly RequestCounters _counters = new(["primary", "fallback"]);
    private readonly RequestOutcomeRecorder _recorder;

    public RequestOutcomeRecorderTests()
    {
        var meterFactory = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _recorder = new RequestOutcomeRecorder(
            _counters, new TrafficShare(["primary", "fallback"], TimeSpan.FromMinutes(1), _time), new GatewayTelemetry(meterFactory), _sink, _time, Options.Create(new GatewayEventsOptions { IncidentInterval = Interval }));
    }

    [Fact]
    public void AFailoverStorm_IsOneIncidentPerChainPerInterval_AndTheRestAreCountedInASummary()
    {
        var routing = new ProviderRouting("fallback", [new ProviderFailure("primary", "HTTP 503", 503)]);
        for (var i = 0; i < 10_000; i++)
        {
            _recorder.Succeeded(routing, TimeSpan.FromMilliseconds(5));
        }

        var first = Assert.Single(_sink.Incidents);
        Assert.Equal(IncidentType.FailoverTriggered, first.Type);
        Assert.Equal("fallback", first.Provider);
        Assert.Equal(["primary"], first.FailoverChain);
        Assert.Contains("primary: HTTP 503", first.Detail);

        // Before the interval ends nothing more is recorded, even by the periodic sweep.
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        _recorder.RecordHeldBackIncidents();
        Assert.Single(_sink.Incidents);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        _recorder.RecordHeldBackIncidents();
        Assert.Equal(2, _sink.Incidents.Count);
        Assert.StartsWith("9999 more requests failed over from primary to fallback", _sink.Incidents.ElementAt(1).Detail);

        // Every request was still counted.
        var totals = new RequestTotals();
        totals.Add(_counters.TakeDeltas());
        Assert.Equal(10_000, totals.Requests);
        Assert.Equal(10_000, totals.Failovers);
        Assert.Equal(10_000, totals.Providers["primary"].Failures);
    }

    [Fact]
    public void HeldBackFailovers_AreReportedByTheNextIncidentOfTheirChain()
    {
        var routing = new ProviderRouting("fallback", [new ProviderFailure("primary", "HTTP 500", 500)]);
        _recorder.Succeeded(routing, TimeSpan.FromMilliseconds(5));
        _recorder.Succeeded(routing, TimeSpan.FromMilliseconds(5));
        _recorder.Succeeded(routing, TimeSpan.FromMilliseconds(5));
        _time.Advance(Interval);
        _recorder.Succeeded(routing, TimeSpan.FromMilliseconds(5));

        Assert.Equal(2, _sink.Incidents.Count);
        Assert.Contains("(2 more like it in the previous 10 s", _sink.Incidents.ElementAt(1).Detail);
        _recorder.RecordHeldBackIncidents();
        Assert.Equal(2, _sink.Incidents.Count);
    }

    [Fact]
    public void DifferentChains_AreLimitedSeparately_AndTotalOutagesAreAllProvidersDown()
    {
        _recorder.Succeeded(new ProviderRouting("fallback", [new ProviderFailure("primary", "HTTP 500", 500)]), TimeSpan.FromMilliseconds(5));
        _recorder.Succeeded(new ProviderRouting("primary", []), TimeSpan.FromMilliseconds(5));
        var exhausted = new ProvidersExhaustedException([new ProviderFailure("primary", "circuit isolated", null), new ProviderFailure("fallback", "HTTP 503", 503)]);
        _recorder.Failed(exhausted, TimeSpan.FromMilliseconds(3), cancelled: false);
        _recorder.Failed(exhausted, TimeSpan.FromMilliseconds(3), cancelled: false);
        _recorder.Failed(new OperationCanceledException(), TimeSpan.FromMilliseconds(3), cancelled: true);

        Assert.Equal([IncidentType.FailoverTriggered, IncidentType.AllProvidersDown], _sink.Incidents.Select(i => i.Type));
        Assert.Equal(["primary", "fallback"], _sink.Incidents.ElementAt(1).FailoverChain);
        var totals = new RequestTotals();
        totals.Add(_counters.TakeDeltas());
        Assert.Equal((5L, 2L, 2L, 1L, 1L), (totals.Requests, totals.Successes, totals.Failures, totals.Cancelled, totals.Failovers));
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Events;

namespace SentinelOps.Gateway.Metrics;

/// <summary>
/// The gateway's instruments, on the <c>SentinelOps.Gateway</c> meter (exported by ServiceDefaults, shown in the Aspire dashboard):
/// <list type="bullet">
/// <item><c>sentinel.gateway.requests</c>: chat requests by <c>provider</c> (that answered, or <c>none</c>) and <c>outcome</c> (<c>success</c>, <c>failure</c>, <c>cancelled</c>).</item>
/// <item><c>sentinel.gateway.request.duration</c>: their duration in seconds, same tags.</item>
/// <item><c>sentinel.gateway.failovers</c>: requests answered after another provider failed, by <c>from</c> (first failed) and <c>to</c> (answered).</item>
/// <item><c>sentinel.gateway.hedges</c>: hedged requests, by <c>from</c> (the provider slow to its first token), <c>to</c> (the hedge) and <c>outcome</c> (<c>won</c>, <c>lost</c>, <c>failed</c>, <c>cancelled</c>: the hedge's).</item>
/// <item><c>sentinel.gateway.circuit.state</c>: per <c>provider</c>, 0 closed, 1 half-open, 2 open, 3 isolated.</item>
/// <item><c>sentinel.events.outbox.pending</c> and <c>sentinel.events.incidents.dropped</c>: incidents waiting for Redis, and dropped from a full outbox.</item>
/// <item><c>sentinel.events.live.dropped</c>: live events this replica did not publish (Redis down, or too many waiting).</item>
/// </list>
/// </summary>
public sealed class GatewayTelemetry
{
    /// <summary>The meter's name, and the name of the gateway's own <see cref="ActivitySource"/>.</summary>
    public const string MeterName = "SentinelOps.Gateway";

    /// <summary>The gateway's own spans (a hedge attempt: <c>sentinel.hedge</c>), beside Microsoft.Extensions.AI's per-provider ones.</summary>
    public static readonly ActivitySource Activities = new(MeterName);

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _hedges;

    private readonly Meter _meter;

    /// <summary>Creates the counters and the histogram; the gauges start with <see cref="Observe"/>.</summary>
    public GatewayTelemetry(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("sentinel.gateway.requests", unit: "{request}", description: "Chat requests, by answering provider and outcome.");
        _duration = _meter.CreateHistogram(
            "sentinel.gateway.request.duration",
            unit: "s",
            description: "Duration of chat requests, failovers included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _failovers = _meter.CreateCounter<long>("sentinel.gateway.failovers", unit: "{request}", description: "Requests answered after another provider failed.");
        _hedges = _meter.CreateCounter<long>("sentinel.gateway.hedges", unit: "{request}", description: "Requests also started on the next provider because the first sent no first token within the hedging delay.");
    }

    /// <summary>Adds the gauges that observe <paramref name="chain"/>'s breakers and <paramref name="sink"/>'s outbox and drops.</summary>
    public GatewayTelemetry Observe(ProviderChain chain, RedisSentinelEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(sink);
        _meter.CreateObservableGauge(
            "sentinel.gateway.circuit.state",
            () => chain.Providers
                .Select(p => new Measurement<int>(StateValue(p.Breaker.State), new KeyValuePair<string, object?>("provider", p.Name))),
            description: "Circuit state per provider: 0 closed, 1 half-open, 2 open, 3 isolated.");
        _meter.CreateObservableGauge("sentinel.events.outbox.pending", () => sink.PendingIncidents, unit: "{incident}", description: "Incidents waiting for Redis.");
        _meter.CreateObservableCounter("sentinel.events.incidents.dropped", () => sink.DroppedIncidents, unit: "{incident}", description: "Incidents dropped from a full outbox.");
        _meter.CreateObservableCounter("sentinel.events.live.dropped", () => sink.DroppedLiveEvents, unit: "{event}", description: "Live events dropped unpublished: Redis down, or more waiting than Sentinel:Events:LiveEventCapacity.");
        return this;
    }

    /// <summary>Records one finished chat request.</summary>
    public void RecordRequest(string provider, string outcome, TimeSpan duration)
    {
        var providerTag = new KeyValuePair<string, object?>("provider", provider);
        var outcomeTag = new KeyValuePair<string, object?>("outcome", outcome);
        _requests.Add(1, providerTag, outcomeTag);
        _duration.Record(duration.TotalSeconds, providerTag, outcomeTag);
    }

    /// <summary>Records a failover from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public void RecordFailover(string from, string to) =>
        _failovers.Add(1, new KeyValuePair<string, object?>("from", from), new KeyValuePair<string, object?>("to", to));

    /// <summary>Records a hedge from <paramref name="from"/> to <paramref name="to"/>, once decided.</summary>
    /// <param name="from">The provider slow to its first token.</param>
    /// <param name="to">The provider the request was hedged on.</param>
    /// <param name="outcome">The hedge's: <c>won</c>, <c>lost</c>, <c>failed</c> or <c>cancelled</c>.</param>
    public void RecordHedge(string from, string to, string outcome) =>
        _hedges.Add(1, new KeyValuePair<string, object?>("from", from), new KeyValuePair<string, object?>("to", to), new KeyValuePair<string, object?>("outcome", outcome));

    private static int StateValue(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        CircuitState.Open => 2,
        _ => 3,
    };
}

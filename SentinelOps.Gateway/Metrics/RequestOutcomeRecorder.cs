using System.Diagnostics;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Events;

namespace SentinelOps.Gateway.Metrics;

/// <summary>
/// Where every finished chat request is reported: it counts it (<see cref="RequestCounters"/>, lock-free), records it
/// on the meter, and turns failovers and total outages into incidents, at most one per provider chain per
/// <see cref="GatewayEventsOptions.IncidentInterval"/>.
/// </summary>
/// <remarks>Thread-safe; on the request path, so it does no I/O: incidents go to the sink's outbox.</remarks>
public sealed class RequestOutcomeRecorder
{
    private const string NoProvider = "none";

    private readonly RequestCounters _counters;
    private readonly GatewayTelemetry _telemetry;
    private readonly ISentinelEventSink _sink;
    private readonly TimeProvider _timeProvider;
    private readonly IncidentRateLimiter _limiter;
    private readonly TimeSpan _interval;

    /// <summary>Creates the recorder.</summary>
    public RequestOutcomeRecorder(
        RequestCounters counters, GatewayTelemetry telemetry, ISentinelEventSink sink, TimeProvider timeProvider, Microsoft.Extensions.Options.IOptions<GatewayEventsOptions> options)
    {
        _counters = counters;
        _telemetry = telemetry;
        _sink = sink;
        _timeProvider = timeProvider;
        _interval = options.Value.IncidentInterval;
        _limiter = new IncidentRateLimiter(_interval, timeProvider);
    }

    /// <summary>A provider answered (for a stream: the stream ended normally).</summary>
    public void Succeeded(ProviderRouting? routing, TimeSpan duration)
    {
        var provider = routing?.Provider ?? NoProvider;
        IReadOnlyList<ProviderFailure> failures = routing?.Failures ?? [];
        _counters.RecordSuccess(provider, failures, duration, fromCache: provider == Caching.ResponseCacheChatClient.CacheProvider);
        _telemetry.RecordRequest(provider, "success", duration);
        if (routing is { FailoverOccurred: true })
        {
            _telemetry.RecordFailover(failures[0].Provider, provider);
            var key = failures.Count == 1
                ? string.Concat("failover:", provider, "<", failures[0].Provider)
                : "failover:" + provider + "<" + string.Join(',', failures.Select(f => f.Provider));
            if (_limiter.TryAcquire(key, routing, out var suppressed))
            {
                _sink.RecordIncident(FailoverIncident(routing, suppressed, summary: false));
            }
        }
    }

    /// <summary>A request was hedged from <paramref name="from"/> to <paramref name="to"/>, and the race is decided.</summary>
    /// <param name="from">The provider slow to its first token.</param>
    /// <param name="to">The provider the request was hedged on.</param>
    /// <param name="outcome">The hedge's: <c>won</c>, <c>lost</c>, <c>failed</c> or <c>cancelled</c>.</param>
    public void Hedged(string from, string to, string outcome)
    {
        _counters.RecordHedge();
        _telemetry.RecordHedge(from, to, outcome);
    }

    /// <summary>The request ended in an error, or its client gave up.</summary>
    /// <param name="exception">What ended it.</param>
    /// <param name="duration">How long it ran.</param>
    /// <param name="cancelled">Whether the client cancelled it.</param>
    public void Failed(Exception exception, TimeSpan duration, bool cancelled)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!cancelled && exception is ProviderRejectedRequestException or UnsendableRequestException)
        {
            // The request's own fault: no provider is to blame, and no incident is due.
            _counters.RecordRejected();
            _telemetry.RecordRequest(NoProvider, "rejected", duration);
            return;
        }

        IReadOnlyList<ProviderFailure> failures = exception switch
        {
            ProvidersExhaustedException exhausted => exhausted.Failures,
            RequestDeadlineExceededException deadline => deadline.Failures,
            ProviderStreamInterruptedException interrupted => interrupted.Failures,
            _ => [],
        };
        _counters.RecordFailure(failures, cancelled);
        _telemetry.RecordRequest(
            exception is ProviderStreamInterruptedException interruptedStream ? interruptedStream.Failure.Provider : NoProvider,
            cancelled ? "cancelled" : "failure",
            duration);

        if (!cancelled && exception is ProvidersExhaustedException allDown)
        {
            var key = "all_down:" + string.Join(',', allDown.Failures.Select(f => f.Provider));
            if (_limiter.TryAcquire(key, allDown, out var suppressed))
            {
                _sink.RecordIncident(AllDownIncident(allDown, suppressed, summary: false));
            }
        }
    }

    /// <summary>
    /// Records a summary for each chain whose interval ended with incidents held back, so none goes unreported even
    /// if the storm stops. Called periodically, off the request path.
    /// </summary>
    public void RecordHeldBackIncidents()
    {
        foreach (var (_, suppressed, sample) in _limiter.TakeEndedWindows())
        {
            switch (sample)
            {
                case ProviderRouting routing:
                    _sink.RecordIncident(FailoverIncident(routing, suppressed, summary: true));
                    break;
                case ProvidersExhaustedException allDown:
                    _sink.RecordIncident(AllDownIncident(allDown, suppressed, summary: true));
                    break;
            }
        }
    }

    private Incident FailoverIncident(ProviderRouting routing, long count, bool summary)
    {
        var chain = routing.Failures.Select(f => f.Provider).ToArray();
        var detail = summary
            ? $"{count} more requests failed over from {string.Join(", ", chain)} to {routing.Provider} in the last {_interval.TotalSeconds:0.#} s (last: {Describe(routing.Failures)})"
            : $"Failed over from {string.Join(", ", chain)} to {routing.Provider}: {Describe(routing.Failures)}" + HeldBack(count);
        return new Incident(string.Empty, IncidentType.FailoverTriggered, routing.Provider, _timeProvider.GetUtcNow(), detail, TraceId(summary), chain, "gateway");
    }

    private Incident AllDownIncident(ProvidersExhaustedException allDown, long count, bool summary)
    {
        var chain = allDown.Failures.Select(f => f.Provider).ToArray();
        var detail = summary
            ? $"{count} more requests found no provider able to answer in the last {_interval.TotalSeconds:0.#} s (last: {Describe(allDown.Failures)})"
            : $"No provider could answer: {Describe(allDown.Failures)}" + HeldBack(count);
        return new Incident(string.Empty, IncidentType.AllProvidersDown, null, _timeProvider.GetUtcNow(), detail, TraceId(summary), chain, "gateway");
    }

    private string HeldBack(long count) =>
        count > 0 ? $" ({count} more like it in the previous {_interval.TotalSeconds:0.#} s were not recorded separately)" : string.Empty;

    // ProviderFailure.Error is secret-free by construction (no provider body, no key).
    private static string Describe(IReadOnlyList<ProviderFailure> failures) =>
        string.Join("; ", failures.Select(f => $"{f.Provider}: {f.Error}"));

    private static string? TraceId(bool summary) => summary ? null : Activity.Current?.TraceId.ToHexString();
}

using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Json;
using SentinelOps.Shared.Probing;
using StackExchange.Redis;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// Lets the monitor's findings steer this replica's circuits: a <c>provider_down</c> incident isolates the provider's
/// circuit at once (no client request is spent finding out), <c>provider_recovered</c> closes it (traffic returns
/// without waiting out a break). Each new report's probe latency also feeds the provider's drift
/// (<see cref="Routing.Drift.ProviderDriftState.RecordProbe"/>).
/// </summary>
/// <remarks>
/// <para>Fed by <see cref="RedisEventSubscriber"/>, which parses each message on the channel once and posts it here
/// (<see cref="Post"/>). Pub/sub is at most once, so missed messages are made up for: after subscribing and on every
/// reconnection the subscriber asks for the latest reports in the <c>sentinel:provider_status</c> hash to be applied
/// (<see cref="ReplayStoredReports"/>). A <c>down</c> report isolates; a <c>healthy</c> or <c>degraded</c> one closes a
/// circuit only if the monitor isolated it. Reports older than <see cref="GatewayEventsOptions.ProviderStatusMaxAge"/>
/// (a stopped monitor) are ignored, and so is a report or incident older than the last one applied for its provider (a
/// stored report replayed after a newer live one).</para>
/// <para>Live events and replays go through one queue and are applied one at a time, in the order they arrived (a
/// <c>provider_down</c> overtaken by its <c>provider_recovered</c> would leave a healthy provider isolated). Never blocks
/// a request, nor the subscriber.</para>
/// </remarks>
internal sealed partial class MonitorReportApplier(
    IServiceProvider services,
    ProviderChain chain,
    ProviderHealthUpdater health,
    IOptions<GatewayEventsOptions> options,
    TimeProvider timeProvider,
    ILogger<MonitorReportApplier> logger) : BackgroundService
{
    // The one path to the circuits: only the loop reading it touches the state below, so it needs no lock.
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });

    // When the report (or incident) last applied for each provider was taken.
    private readonly Dictionary<string, DateTimeOffset> _lastApplied = new(StringComparer.Ordinal);

    /// <summary>Queues a live event from the channel, to be applied after everything queued before it.</summary>
    /// <remarks>Only incidents and provider reports steer circuits; other events are not queued.</remarks>
    public void Post(SentinelEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.EventType is EventTypes.Incident or EventTypes.ProviderStatus)
        {
            _work.Writer.TryWrite(new Work(message));
        }
    }

    /// <summary>Queues a read of the stored reports, to be applied after everything queued before it.</summary>
    public void ReplayStoredReports() => _work.Writer.TryWrite(Work.Replay);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (services.GetService<IConnectionMultiplexer>() is not { } redis)
        {
            return;
        }

        try
        {
            await foreach (var work in _work.Reader.ReadAllAsync(stoppingToken))
            {
                if (work.Message is { } message)
                {
                    Handle(message);
                }
                else
                {
                    await ApplyLatestReportsAsync(redis);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Applies one event from the channel.</summary>
    private void Handle(SentinelEvent message)
    {
        try
        {
            if (message.Payload.ValueKind != JsonValueKind.Object)
            {
                LogMalformed($"the {message.EventType} event has no payload object");
                return;
            }

            switch (message.EventType)
            {
                case EventTypes.Incident:
                    var incident = message.Payload.Deserialize<Incident>(SentinelJson.Options);
                    if (incident?.Provider is { } provider && incident.Source != "gateway"
                        && incident.Type is IncidentType.ProviderDown or IncidentType.ProviderRecovered
                        && chain.Find(provider)?.Breaker is { } breaker
                        && IsLatest(breaker, incident.Timestamp))
                    {
                        if (incident.Type == IncidentType.ProviderDown)
                        {
                            Isolate(breaker, "monitor reported provider_down", incident.Timestamp);
                        }
                        else
                        {
                            health.MonitorFoundUp(breaker.Provider, "monitor reported provider_recovered", recovered: true);
                        }
                    }

                    break;
                case EventTypes.ProviderStatus:
                    Apply(message.Payload.Deserialize<ProviderStatusReport>(SentinelJson.Options));
                    break;
            }
        }
        catch (JsonException ex)
        {
            LogMalformed(ex.Message);
        }
    }

    private async Task ApplyLatestReportsAsync(IConnectionMultiplexer redis)
    {
        try
        {
            foreach (var entry in await redis.GetDatabase().HashGetAllAsync(RedisKeys.ProviderStatus))
            {
                try
                {
                    Apply(JsonSerializer.Deserialize<ProviderStatusReport>(entry.Value.ToString(), SentinelJson.Options));
                }
                catch (JsonException ex)
                {
                    LogMalformed(ex.Message);
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The next reconnection tries again; live reports keep flowing meanwhile.
        }
    }

    private void Apply(ProviderStatusReport? report)
    {
        if (report is null
            || timeProvider.GetUtcNow() - report.CheckedAt > options.Value.ProviderStatusMaxAge
            || chain.Find(report.Provider) is not { Breaker: var breaker } provider)
        {
            return;
        }

        // A probe's latency feeds drift draining once: not again when the stored report is replayed.
        var unseen = !_lastApplied.TryGetValue(breaker.Provider, out var last) || report.CheckedAt > last;
        if (!IsLatest(breaker, report.CheckedAt))
        {
            return;
        }

        if (unseen && report.LatencyMs is { } probeMs && report.Status != ProviderHealth.Down)
        {
            provider.Drift.RecordProbe(TimeSpan.FromMilliseconds(probeMs));
        }

        if (report.Status == ProviderHealth.Down)
        {
            Isolate(breaker, "monitor reports the provider down", report.CheckedAt);
        }
        else
        {
            health.MonitorFoundUp(breaker.Provider, $"monitor reports the provider {(report.Status == ProviderHealth.Healthy ? "healthy" : "degraded")}");
        }
    }

    // Whether news about the breaker's provider taken at `takenAt` is at least as new as the last applied (and, if so,
    // records it): a stored report replayed after a newer live one must not undo it.
    private bool IsLatest(CircuitBreaker breaker, DateTimeOffset takenAt)
    {
        if (_lastApplied.TryGetValue(breaker.Provider, out var last) && takenAt < last)
        {
            LogOutdated(breaker.Provider, takenAt, last);
            return false;
        }

        _lastApplied[breaker.Provider] = takenAt;
        return true;
    }

    // The monitor looks again at its next probe: that is when a refused caller may usefully retry.
    private void Isolate(CircuitBreaker breaker, string reason, DateTimeOffset takenAt) =>
        health.MonitorFoundDown(breaker.Provider, reason, services.GetService<IOptions<ProviderHealthOptions>>()?.Value.HealthCheckInterval, takenAt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignoring a report on {Provider} taken at {TakenAt}: one taken at {LastApplied} is already applied")]
    private partial void LogOutdated(string provider, DateTimeOffset takenAt, DateTimeOffset lastApplied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring a malformed monitor report: {Error}")]
    private partial void LogMalformed(string error);

    // A live event from the channel, or (no message) the stored reports to read and apply.
    private readonly record struct Work(SentinelEvent? Message)
    {
        public static Work Replay => new(null);
    }
}

using Microsoft.Extensions.Options;
using SentinelOps.Shared.Events;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// Sends a <c>heartbeat</c> event to this replica's WebSocket clients every <see cref="SystemEventsOptions.HeartbeatInterval"/>.
/// </summary>
/// <remarks>Local, not through Redis: it tells a client its own connection is alive, which only its replica can say.</remarks>
internal sealed class HeartbeatService(SystemEventsHub hub, IOptions<SystemEventsOptions> options, TimeProvider timeProvider) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.HeartbeatInterval;
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (hub.Count > 0)
                {
                    hub.Broadcast(EncodedEvent.Create(
                        EventTypes.Heartbeat,
                        new HeartbeatPayload(hub.Count, interval.TotalSeconds),
                        timeProvider.GetUtcNow()));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>The <c>heartbeat</c> payload.</summary>
    /// <param name="Connections">WebSocket clients of this replica.</param>
    /// <param name="IntervalSeconds">Time to the next heartbeat.</param>
    internal sealed record HeartbeatPayload(int Connections, double IntervalSeconds);
}

using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Metrics;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// The gateway's periodic, off-request work: flushes request counters to Redis and records the failover incidents a
/// storm held back. On shutdown it flushes once more, so a graceful restart loses no counts.
/// </summary>
internal sealed class GatewayEventsService(
    RequestMetricsStore store, RequestOutcomeRecorder recorder, IOptions<GatewayEventsOptions> options, TimeProvider timeProvider)
    : BackgroundService
{
    private static readonly TimeSpan ShutdownFlushTimeout = TimeSpan.FromSeconds(3);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.MetricsFlushInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                recorder.RecordHeldBackIncidents();
                await store.FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ShutdownFlushTimeout);
        try
        {
            // Twice: a batch that failed earlier is retried first, then what is left.
            if (await store.FlushAsync(timeout.Token))
            {
                await store.FlushAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

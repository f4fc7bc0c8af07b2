using Microsoft.Extensions.Options;
using SentinelOps.Monitor.Probing;
using SentinelOps.Shared.Probing;

namespace SentinelOps.Monitor;

/// <summary>Runs a <see cref="ProbeCycle"/> at start and then every <see cref="ProviderHealthOptions.HealthCheckInterval"/>.</summary>
/// <remarks>
/// A periodic timer keeps the cadence (a slow cycle delays the next tick rather than stacking cycles), and a cycle that
/// throws is logged and the loop goes on: the monitor must outlive whatever it watches.
/// </remarks>
internal sealed partial class MonitorWorker(
    ProbeCycle cycle,
    LastKnownStatusReader lastKnown,
    IOptions<ProviderHealthOptions> options,
    TimeProvider timeProvider,
    ILogger<MonitorWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan ResumeTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.HealthCheckInterval;
        LogStarted(interval.TotalSeconds, options.Value.EffectiveProbeTimeout.TotalSeconds);

        // Bounded: without Redis the monitor still probes, it only starts from no state.
        using (var resumeTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            resumeTimeout.CancelAfter(ResumeTimeout);
            try
            {
                cycle.Resume(await lastKnown.ReadAsync(resumeTimeout.Token));
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                LogResumeTimedOut(ResumeTimeout.TotalSeconds);
            }
        }

        using var timer = new PeriodicTimer(interval, timeProvider);
        do
        {
            try
            {
                await cycle.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogCycleFailed(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Monitor probing every provider every {IntervalSeconds} s (probe timeout {TimeoutSeconds} s)")]
    private partial void LogStarted(double intervalSeconds, double timeoutSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Last reported provider statuses not read within {Seconds} s: the first probes start from no state")]
    private partial void LogResumeTimedOut(double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Probe cycle failed; the next one runs on schedule")]
    private partial void LogCycleFailed(Exception exception);
}

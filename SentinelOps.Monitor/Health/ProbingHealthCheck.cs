using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SentinelOps.Monitor.Probing;
using SentinelOps.Shared.Probing;

namespace SentinelOps.Monitor.Health;

/// <summary>
/// Healthy while probe cycles keep completing: unhealthy when none has completed within
/// <see cref="MissedCycles"/> intervals (of the last one, or of start-up), so a stuck loop shows, not only a dead process.
/// </summary>
internal sealed class ProbingHealthCheck(ProbeCycleClock clock, IOptions<ProviderHealthOptions> options, TimeProvider timeProvider) : IHealthCheck
{
    /// <summary>How many intervals may pass without a completed cycle.</summary>
    public const int MissedCycles = 3;

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var interval = options.Value.HealthCheckInterval;
        var last = clock.LastCompletedAt;
        var since = timeProvider.GetUtcNow() - (last ?? clock.StartedAt);
        var data = new Dictionary<string, object>
        {
            ["last_cycle_at"] = last?.ToString("O") ?? "never",
            ["cycles"] = clock.Cycles,
            ["interval_seconds"] = interval.TotalSeconds,
        };

        var limit = (interval * MissedCycles) + options.Value.EffectiveProbeTimeout;
        return Task.FromResult(since > limit
            ? HealthCheckResult.Unhealthy($"No probe cycle completed in the last {since.TotalSeconds:0} s (interval {interval.TotalSeconds:0.###} s).", data: data)
            : HealthCheckResult.Healthy(last is null ? "Probing started; no cycle completed yet." : $"Last probe cycle completed at {last:O}.", data));
    }
}

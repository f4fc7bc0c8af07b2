using System.Globalization;
using SentinelOps.Shared.Events;

namespace SentinelOps.Shared.Probing;

/// <summary>
/// Classifies a provider from its <see cref="ProbeStatistics"/>: <c>down</c> after
/// <see cref="ProviderHealthOptions.DownAfterFailures"/> failed probes in a row (and until
/// <see cref="ProviderHealthOptions.RecoverAfterSuccesses"/> succeed in a row); <c>degraded</c> when failing but not yet
/// down, slower than <see cref="ProviderHealthOptions.SlowThreshold"/> on average, or succeeding less often than
/// <see cref="ProviderHealthOptions.DegradedBelowSuccessRatePct"/>; otherwise <c>healthy</c>.
/// </summary>
/// <remarks>Stateless and thread-safe: the state is the statistics and the previous status, both passed in.</remarks>
public sealed class ProviderHealthPolicy(ProviderHealthOptions options)
{
    /// <summary>Judges <paramref name="statistics"/>, given the provider's <paramref name="previous"/> status (none before its first probe).</summary>
    public HealthAssessment Assess(ProbeStatistics statistics, ProviderHealth? previous)
    {
        ArgumentNullException.ThrowIfNull(statistics);

        if (statistics.ConsecutiveFailures >= options.DownAfterFailures)
        {
            return new(ProviderHealth.Down, statistics.ConsecutiveFailures == 1
                ? $"probe failed: {statistics.LastError}"
                : $"{statistics.ConsecutiveFailures} probes failed in a row, last: {statistics.LastError}");
        }

        if (previous == ProviderHealth.Down && statistics.ConsecutiveFailures == 0 && statistics.ConsecutiveSuccesses < options.RecoverAfterSuccesses)
        {
            return new(ProviderHealth.Down, $"answering again, {statistics.ConsecutiveSuccesses} of {options.RecoverAfterSuccesses} probes needed to recover");
        }

        if (previous == ProviderHealth.Down && statistics.ConsecutiveFailures > 0)
        {
            // Still down: a failure below the threshold does not lift an outage.
            return new(ProviderHealth.Down, $"probe failed: {statistics.LastError}");
        }

        if (statistics.ConsecutiveFailures > 0)
        {
            return new(ProviderHealth.Degraded, $"partly failing: {statistics.ConsecutiveFailures} of {options.DownAfterFailures} failed probes before down, last: {statistics.LastError}");
        }

        var slowMs = options.SlowThreshold.TotalMilliseconds;
        if (statistics.EwmaLatencyMs is { } latency && latency > slowMs)
        {
            return new(ProviderHealth.Degraded, Invariant($"slow: {latency:0} ms average probe latency (threshold {slowMs:0} ms)"));
        }

        if (statistics.SuccessRatePct < options.DegradedBelowSuccessRatePct)
        {
            return new(ProviderHealth.Degraded, Invariant($"partly failing: {statistics.SuccessRatePct:0.#}% of the last {statistics.Count} probes succeeded"));
        }

        return new(ProviderHealth.Healthy, Invariant($"healthy: {statistics.EwmaLatencyMs ?? 0:0} ms average probe latency"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

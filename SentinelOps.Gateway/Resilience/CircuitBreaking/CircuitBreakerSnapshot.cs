namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>A consistent view of a breaker at one instant.</summary>
/// <param name="State">The circuit state.</param>
/// <param name="ConsecutiveFailures">Failures since the last success.</param>
/// <param name="Successes">Successful calls in the sampling window.</param>
/// <param name="Failures">Failed calls in the sampling window (stalled attempts included).</param>
/// <param name="OpenedAt">When the circuit last opened, while it is not closed.</param>
/// <param name="RetryAfter">Time left in the break, while open.</param>
/// <param name="AverageLatency">Smoothed latency of successful calls, once there has been one.</param>
/// <param name="Stalled">Whether the provider is stalled: an attempt has waited past the slow-call threshold without
/// a first token (or the last one to end did), or a stream went silent past its inter-chunk limit and no call has
/// succeeded since, so only trials reach it.</param>
/// <param name="SlowCalls">Successes in the sampling window whose first token came after the slow-call threshold.</param>
/// <param name="SlowCallThreshold">The slow-call threshold now.</param>
/// <param name="TimeToFirstToken">Typical (median) time to first token, once learnt.</param>
/// <param name="InterChunkLimit">How long a stream may now wait for its next chunk after its first token.</param>
/// <param name="LastStall">When an attempt last stalled (before or after its first token), if one has.</param>
/// <param name="DecidedBy">The replica whose decision put the circuit in its state, when another replica decided it
/// (shared circuits); <see langword="null"/> when this replica did.</param>
public sealed record CircuitBreakerSnapshot(
    CircuitState State,
    int ConsecutiveFailures,
    long Successes,
    long Failures,
    DateTimeOffset? OpenedAt,
    TimeSpan? RetryAfter,
    TimeSpan? AverageLatency,
    bool Stalled = false,
    long SlowCalls = 0,
    TimeSpan? SlowCallThreshold = null,
    TimeSpan? TimeToFirstToken = null,
    TimeSpan? InterChunkLimit = null,
    DateTimeOffset? LastStall = null,
    string? DecidedBy = null)
{
    /// <summary>Successes as a percentage of calls in the window; 100 when there were none.</summary>
    public double SuccessRatePercent => Successes + Failures == 0 ? 100 : Math.Round(100.0 * Successes / (Successes + Failures), 1);
}

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>Permission for one call through a circuit breaker; report its outcome with the same permit.</summary>
/// <param name="Generation">The breaker's state generation when the call was let through, so late outcomes of calls
/// admitted before a state change do not decide the new state.</param>
/// <param name="IsTrial">Whether this is the single half-open trial call.</param>
public readonly record struct CircuitPermit(long Generation, bool IsTrial)
{
    /// <summary>Whether this is one of the few trials let through while the provider has a stalled attempt.</summary>
    public bool IsStallTrial { get; init; }

    /// <summary>
    /// For a trial (half-open or stalled), how long it may wait for its first token before it is given up as a failed
    /// trial: the slow-call threshold, so no caller waits out a hang to learn that the provider is still down.
    /// <see langword="null"/> for an ordinary call.
    /// </summary>
    public TimeSpan? TrialTimeToFirstToken { get; init; }

    /// <summary>
    /// How long the call's stream may wait for its next chunk once its first token has arrived, as learnt when it was
    /// let through; waiting longer is a stall (<see cref="CircuitBreaker.RecordStreamStalled"/>).
    /// </summary>
    public TimeSpan InterChunkLimit { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Cancelled if the circuit is isolated while this call is under way, so a call still waiting for its first token
    /// can give up on a provider the monitor has found down.
    /// </summary>
    public CancellationToken Isolation { get; init; }

    /// <summary>For the half-open trial, the break it decides: replicas sharing circuits take the trial lease for it.</summary>
    public string? BreakId { get; init; }

    /// <summary>The breaker's record of this attempt.</summary>
    internal PendingAttempt? Attempt { get; init; }
}

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <content>What a refused caller is told: why, and when to try again.</content>
public sealed partial class CircuitBreaker
{
    /// <summary>
    /// How long a caller refused now should wait before trying again, never less than a second: the rest of the break
    /// while open; the slow-call threshold (the longest a trial can take) while a trial decides; while isolated, the time
    /// until the isolating party looks again, if it said; <see langword="null"/> otherwise and when calls flow.
    /// </summary>
    public TimeSpan? RetryAfterHint
    {
        get
        {
            lock (_gate)
            {
                TimeSpan? hint = _machine.State switch
                {
                    CircuitState.Open => _machine.RetryAfter(_timeProvider.GetUtcNow()),
                    CircuitState.HalfOpen when RemoteTrialPending() => Remaining(_machine.RemoteTrial!.Value.Until),
                    CircuitState.HalfOpen => _slow.Threshold,
                    CircuitState.Closed when _slow.IsStalled(_timeProvider.GetTimestamp()) => _slow.Threshold,
                    CircuitState.Isolated when _machine.IsolationReviewAt is { } reviewAt => Remaining(reviewAt),
                    _ => null,
                };
                return hint is { } wait && wait < MinimumRetryAfter ? MinimumRetryAfter : hint;
            }
        }
    }

    /// <summary>Why a call made now would be refused, in a few words (<c>circuit open (retry in 12 s)</c>, …).</summary>
    public string RefusalReason
    {
        get
        {
            lock (_gate)
            {
                return _machine.State switch
                {
                    CircuitState.Open => CircuitOpenReason(_machine.RetryAfter(_timeProvider.GetUtcNow())),
                    CircuitState.HalfOpen when RemoteTrialPending() => $"circuit half-open (trial on replica {_machine.RemoteTrial?.Holder})",
                    CircuitState.HalfOpen => HalfOpenReason,
                    CircuitState.Isolated => IsolatedReason,
                    _ => StalledReason,
                };
            }
        }
    }
}

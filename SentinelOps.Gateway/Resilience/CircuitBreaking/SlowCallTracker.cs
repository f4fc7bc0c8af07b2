namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>
/// The slow-call state of one provider: its learnt time to first token and wait between chunks, the attempts still
/// waiting for a first token, and whether it has stalled. <see cref="CircuitBreaker"/> owns one and consults it under
/// its lock; the limits come from the <see cref="SlowCallPolicy"/>.
/// </summary>
/// <remarks>
/// The provider is stalled while an attempt has waited past the threshold without a first token, or when the last
/// attempt to end had stalled, until an attempt let through later is answered; and after a stream stalled past its
/// first token, until a call succeeds (a first token proves nothing about a provider that stalls after it).
/// Not thread-safe.
/// </remarks>
internal sealed class SlowCallTracker
{
    private readonly SlowCallPolicy _policy;
    private readonly TimeProvider _timeProvider;
    private readonly MedianLatencyEstimator _timeToFirstToken = new();
    private readonly MedianLatencyEstimator _longestChunkGap = new();
    private readonly PendingAttemptList _waiting = new();

    private bool _lastEndedStalled;
    private bool _streamStalled;
    private long _newestAnsweredStart = long.MinValue;

    public SlowCallTracker(SlowCallPolicy policy, TimeProvider timeProvider)
    {
        _policy = policy;
        _timeProvider = timeProvider;
        Threshold = policy.ThresholdFor(null);
        InterChunkLimit = policy.InterChunkLimitFor(null);
    }

    /// <summary>The slow-call threshold now.</summary>
    public TimeSpan Threshold { get; private set; }

    /// <summary>The typical (median) time to first token, once learnt.</summary>
    public TimeSpan? TypicalTimeToFirstToken => _timeToFirstToken.Median;

    /// <summary>The p95 time to first token over the same observations, once learnt.</summary>
    public TimeSpan? TimeToFirstTokenP95 => _timeToFirstToken.P95;

    /// <summary>How long a stream may wait for its next chunk after its first token, now.</summary>
    public TimeSpan InterChunkLimit { get; private set; }

    /// <summary>Stall trials in flight.</summary>
    public int TrialsInFlight { get; set; }

    /// <summary>Whether another stall trial may go through now.</summary>
    public bool CanAdmitTrial => TrialsInFlight < _policy.Options.MaxTrialsWhileStalled;

    /// <summary>Registers an attempt let through at <paramref name="now"/>.</summary>
    public PendingAttempt Admit(long now)
    {
        var attempt = new PendingAttempt(now);
        _waiting.Add(attempt);
        return attempt;
    }

    /// <summary>Whether the provider is stalled at <paramref name="now"/>.</summary>
    public bool IsStalled(long now) =>
        _lastEndedStalled || _streamStalled || (_waiting.Oldest is { } oldest && _timeProvider.GetElapsedTime(oldest.StartedAt, now) >= Threshold);

    /// <summary>Whether <paramref name="attempt"/> has waited past the threshold without being answered.</summary>
    public bool HasStalled(PendingAttempt attempt, long now) =>
        !attempt.Answered && _timeProvider.GetElapsedTime(attempt.StartedAt, now) >= Threshold;

    /// <summary>
    /// The provider answered <paramref name="attempt"/> (first token, whole response or refusal). The attempts let
    /// through before it stop counting as stalls; with <paramref name="observe"/>, its wait is learnt as a time to
    /// first token and the threshold follows.
    /// </summary>
    public void MarkAnswered(PendingAttempt attempt, long now, bool observe)
    {
        attempt.Answered = true;
        if (attempt.StartedAt > _newestAnsweredStart)
        {
            _newestAnsweredStart = attempt.StartedAt;
            _lastEndedStalled = false;
        }

        _waiting.RemoveThrough(attempt);
        if (observe)
        {
            var timeToFirstToken = _timeProvider.GetElapsedTime(attempt.StartedAt, now);
            attempt.Slow = timeToFirstToken >= Threshold;
            _timeToFirstToken.Observe(timeToFirstToken);
            Threshold = _policy.ThresholdFor(_timeToFirstToken.Median);
        }
    }

    /// <summary>
    /// <paramref name="attempt"/> failed. Returns how long it had waited if it had stalled (no answer past the
    /// threshold), which marks the provider stalled unless a later attempt has been answered since.
    /// </summary>
    public TimeSpan? EndFailed(PendingAttempt attempt, long now)
    {
        _waiting.Remove(attempt);
        if (!HasStalled(attempt, now))
        {
            return null;
        }

        if (attempt.StartedAt > _newestAnsweredStart)
        {
            _lastEndedStalled = true;
        }

        return _timeProvider.GetElapsedTime(attempt.StartedAt, now);
    }

    /// <summary>
    /// A call succeeded. With <paramref name="longestChunkGap"/> (a stream that delivered content), its longest wait
    /// between chunks is learnt and the inter-chunk limit follows. A stall after a first token is over.
    /// </summary>
    public void Succeeded(TimeSpan? longestChunkGap)
    {
        _streamStalled = false;
        if (longestChunkGap is { } gap)
        {
            _longestChunkGap.Observe(gap);
            InterChunkLimit = _policy.InterChunkLimitFor(_longestChunkGap.Median);
        }
    }

    /// <summary>A stream went silent past its inter-chunk limit after its first token: the provider is stalled until a
    /// call succeeds.</summary>
    public void StreamStalled() => _streamStalled = true;

    /// <summary><paramref name="attempt"/> ended without a verdict before it stalled: it no longer waits.</summary>
    public void Forget(PendingAttempt attempt) => _waiting.Remove(attempt);

    /// <summary>The circuit closed: trials no longer apply and a past stall is no longer evidence.</summary>
    public void OnClosed() => _lastEndedStalled = _streamStalled = false;

    /// <summary>Forgets every waiting attempt and past stall (closed from outside).</summary>
    public void Forget()
    {
        _waiting.Clear();
        _lastEndedStalled = _streamStalled = false;
    }
}

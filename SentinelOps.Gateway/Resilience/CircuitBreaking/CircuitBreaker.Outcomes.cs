namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <content>How the outcome of each permitted call moves the breaker: first token, success, failure, stall after the
/// first token, abandonment, rejection. Reported only through <see cref="ProviderHealthUpdater"/>, the one writer.</content>
public sealed partial class CircuitBreaker
{
    /// <summary>Reports that the call's first token (its first content) arrived: its time to first token is learnt,
    /// and the attempts waiting since before it no longer count as evidence of a stall.</summary>
    internal void RecordFirstToken(CircuitPermit permit)
    {
        if (permit.Attempt is not { } attempt)
        {
            return;
        }

        lock (_gate)
        {
            if (!attempt.Answered && !attempt.Finished)
            {
                _slow.MarkAnswered(attempt, _timeProvider.GetTimestamp(), observe: true);
            }
        }
    }

    /// <summary>Smoothed latency of successful calls (for a stream, to its first token), once there has been one.</summary>
    /// <remarks>The routers' per-request read: one lock, no snapshot.</remarks>
    public TimeSpan? AverageLatency
    {
        get
        {
            lock (_gate)
            {
                return _averageLatencyMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null;
            }
        }
    }

    /// <summary>The p95 of the provider's recent times to first token (its last 16, the first call excepted), once learnt.</summary>
    /// <remarks>Read once per hedged request (hedging's default delay): one lock.</remarks>
    public TimeSpan? TimeToFirstTokenP95
    {
        get
        {
            lock (_gate)
            {
                return _slow.TimeToFirstTokenP95;
            }
        }
    }

    /// <summary>Reports a successful call.</summary>
    /// <param name="permit">The call's permit.</param>
    /// <param name="latency">Its time to first token (a stream) or to its whole response.</param>
    /// <param name="longestChunkGap">For a stream that delivered content, its longest wait for a chunk after the first
    /// token (or for its end): learnt, so the inter-chunk limit follows the provider's pace.</param>
    internal void RecordSuccess(CircuitPermit permit, TimeSpan latency, TimeSpan? longestChunkGap = null)
    {
        CircuitStateChangedEventArgs? change = null;
        lock (_gate)
        {
            if (!Finish(permit, out var attempt))
            {
                return;
            }

            if (attempt is not null && !attempt.Answered)
            {
                // A whole response without a token seen first (a non-streaming call): the provider answered, but its
                // latency is not a time to first token.
                _slow.MarkAnswered(attempt, _timeProvider.GetTimestamp(), observe: false);
            }

            _slow.Succeeded(longestChunkGap);
            var now = _timeProvider.GetUtcNow();
            var slow = attempt?.Slow ?? false;
            _window.Record(now, success: true, slow);
            _averageLatencyMs = _averageLatencyMs is { } average
                ? average + (LatencySmoothing * (latency.TotalMilliseconds - average))
                : latency.TotalMilliseconds;

            if (permit.Generation != _machine.Generation)
            {
                // Admitted before the last state change: a late success says nothing about the provider now.
            }
            else if (permit.IsTrial && _machine.State == CircuitState.HalfOpen)
            {
                _consecutiveFailures = 0;

                // Outcomes from before the break must not reopen the circuit the moment it closes.
                _window.Clear();
                change = Moved(_machine.Close("trial call succeeded", forgetTrips: true));
            }
            else if (_machine.State == CircuitState.Closed)
            {
                ReleaseStallTrial(permit);
                _consecutiveFailures = 0;
                var (successes, failures, slowCalls) = _window.Totals(now);
                var total = successes + failures;
                if (slow && total >= _options.MinimumThroughput && (double)slowCalls / total >= _slowCalls.Options.SlowCallRatio)
                {
                    change = Open(now, $"slow-call ratio {(double)slowCalls / total:P0} over {total} calls (threshold {_slow.Threshold.TotalSeconds:0.###} s)");
                }
            }
        }

        Raise(change);
    }

    /// <summary>Reports a call that failed because of the provider.</summary>
    internal void RecordFailure(CircuitPermit permit)
    {
        CircuitStateChangedEventArgs? change;
        lock (_gate)
        {
            if (!Finish(permit, out var attempt))
            {
                return;
            }

            change = Fail(permit, attempt, _timeProvider.GetTimestamp());
        }

        Raise(change);
    }

    /// <summary>
    /// Reports a stream that, after its first token, waited longer than its permit's
    /// <see cref="CircuitPermit.InterChunkLimit"/> for its next chunk: a failure, however the wait ended (cut at the
    /// limit, or the caller giving up past it), and the provider is stalled until a call succeeds.
    /// </summary>
    /// <param name="permit">The call's permit.</param>
    /// <param name="silentFor">How long the stream had been silent.</param>
    internal void RecordStreamStalled(CircuitPermit permit, TimeSpan silentFor)
    {
        CircuitStateChangedEventArgs? change;
        lock (_gate)
        {
            if (!Finish(permit, out var attempt))
            {
                return;
            }

            LogStreamStalled(Provider, silentFor.TotalSeconds, permit.InterChunkLimit.TotalSeconds);
            _slow.StreamStalled();
            _lastStallAt = _timeProvider.GetUtcNow();
            change = Fail(permit, attempt, _timeProvider.GetTimestamp());
        }

        Raise(change);
    }

    /// <summary>
    /// Reports a call that ended without a verdict from the provider: the caller cancelled or stopped reading. If it had
    /// already waited past the slow-call threshold without a first token, the provider had stalled, and it counts as a
    /// failure; otherwise it is ignored.
    /// </summary>
    internal void RecordAbandoned(CircuitPermit permit)
    {
        CircuitStateChangedEventArgs? change = null;
        lock (_gate)
        {
            if (!Finish(permit, out var attempt))
            {
                return;
            }

            var now = _timeProvider.GetTimestamp();
            if (attempt is not null && _slow.HasStalled(attempt, now))
            {
                change = Fail(permit, attempt, now);
            }
            else
            {
                if (attempt is not null)
                {
                    _slow.Forget(attempt);
                }

                ReleaseTrial(permit);
            }
        }

        Raise(change);
    }

    /// <summary>
    /// Reports a request the provider refused as invalid (400, 422, …): it answered, so it is not stalled, but a bad
    /// request says nothing of its health. Not counted; a trial refused this way leaves the trial to the next call.
    /// </summary>
    internal void RecordRejected(CircuitPermit permit)
    {
        lock (_gate)
        {
            if (!Finish(permit, out var attempt))
            {
                return;
            }

            if (attempt is not null && !attempt.Answered)
            {
                _slow.MarkAnswered(attempt, _timeProvider.GetTimestamp(), observe: false);
            }

            ReleaseTrial(permit);
        }
    }

    // Must be called under _gate. False when this permit's outcome was already reported.
    private static bool Finish(CircuitPermit permit, out PendingAttempt? attempt)
    {
        attempt = permit.Attempt;
        if (attempt is null)
        {
            return true;
        }

        if (attempt.Finished)
        {
            return false;
        }

        attempt.Finished = true;
        return true;
    }

    // Must be called under _gate.
    private CircuitStateChangedEventArgs? Fail(CircuitPermit permit, PendingAttempt? attempt, long nowTimestamp)
    {
        if (attempt is not null && _slow.EndFailed(attempt, nowTimestamp) is { } waited)
        {
            LogStalled(Provider, waited.TotalSeconds, _slow.Threshold.TotalSeconds);
            _lastStallAt = _timeProvider.GetUtcNow();
        }

        var now = _timeProvider.GetUtcNow();
        _window.Record(now, success: false);
        if (permit.Generation != _machine.Generation)
        {
            // Admitted before the last state change: already accounted for.
            return null;
        }

        if (permit.IsTrial && _machine.State == CircuitState.HalfOpen)
        {
            return Open(now, "trial call failed");
        }

        if (_machine.State != CircuitState.Closed)
        {
            return null;
        }

        ReleaseStallTrial(permit);
        _consecutiveFailures++;
        var (successes, failures, _) = _window.Totals(now);
        var total = successes + failures;
        if (_consecutiveFailures >= _options.FailureThreshold)
        {
            return Open(now, $"{_consecutiveFailures} consecutive failures");
        }

        return total >= _options.MinimumThroughput && (double)failures / total >= _options.FailureRatio
            ? Open(now, $"failure ratio {(double)failures / total:P0} over {total} calls")
            : null;
    }

    // Must be called under _gate: a trial that ended without a verdict leaves its place to the next call.
    private void ReleaseTrial(CircuitPermit permit)
    {
        if (permit.Generation != _machine.Generation)
        {
            return;
        }

        if (permit.IsTrial && _machine.State == CircuitState.HalfOpen)
        {
            _machine.TrialInFlight = false;
        }

        ReleaseStallTrial(permit);
    }

    // Must be called under _gate.
    private void ReleaseStallTrial(CircuitPermit permit)
    {
        if (permit.IsStallTrial && permit.Generation == _machine.Generation && _slow.TrialsInFlight > 0)
        {
            _slow.TrialsInFlight--;
        }
    }
}

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <content>Circuits shared across replicas: another replica's open or close applied here, and the trial lease.</content>
public sealed partial class CircuitBreaker
{
    private ICircuitTrialLease? _trialLease;

    /// <summary>
    /// The lease that lets one replica send a break's trial, when replicas share circuits; <see langword="null"/> (the
    /// default): each replica sends its own. Asked only for a half-open trial (<see cref="CircuitPermit.BreakId"/>).
    /// </summary>
    public ICircuitTrialLease? TrialLease
    {
        get => Volatile.Read(ref _trialLease);
        internal set => Volatile.Write(ref _trialLease, value);
    }

    /// <summary>The id of the current break (open or half-open); <see langword="null"/> otherwise.</summary>
    public string? BreakId
    {
        get
        {
            lock (_gate)
            {
                return _machine.State is CircuitState.Open or CircuitState.HalfOpen ? _machine.BreakId : null;
            }
        }
    }

    /// <summary>
    /// Another replica opened this provider's circuit until <paramref name="breakEndsAt"/>: open here too, for the rest of
    /// that break. Not applied to an isolated circuit (the monitor's hold wins), to a break already over, or to the
    /// same break again. When two replicas opened breaks of their own, both keep the one ending last (ties: the greater
    /// id), so they agree on one break and one trial.
    /// </summary>
    /// <returns>Whether the circuit changed.</returns>
    internal bool ApplyReplicaOpen(string replica, string breakId, DateTimeOffset openedAt, DateTimeOffset breakEndsAt, string reason)
    {
        CircuitStateChangedEventArgs? change = null;
        lock (_gate)
        {
            var known = _machine.State switch
            {
                CircuitState.Isolated => true,
                CircuitState.Open or CircuitState.HalfOpen when _machine.BreakId == breakId => true,
                CircuitState.Open => breakEndsAt < _machine.BreakEndsAt
                    || (breakEndsAt == _machine.BreakEndsAt && string.CompareOrdinal(breakId, _machine.BreakId) <= 0),
                _ => false,
            };
            if (!known && breakEndsAt > _timeProvider.GetUtcNow())
            {
                change = Moved(_machine.OpenAsDecided(openedAt, breakEndsAt, breakId, replica, $"opened by replica {replica}: {reason}"));
            }
        }

        Raise(change);
        return change is not null;
    }

    /// <summary>
    /// Another replica's trial of break <paramref name="breakId"/> succeeded: close here too, as after a trial of our own.
    /// A close for another break than the current one (or of an isolated circuit) is not applied.
    /// </summary>
    /// <returns>Whether the circuit changed.</returns>
    internal bool ApplyReplicaClose(string replica, string breakId, string reason)
    {
        CircuitStateChangedEventArgs? change = null;
        lock (_gate)
        {
            if (_machine.State is CircuitState.Open or CircuitState.HalfOpen && _machine.BreakId == breakId)
            {
                _consecutiveFailures = 0;
                _window.Clear();
                change = Moved(_machine.Close($"closed by replica {replica}: {reason}", forgetTrips: true, decidedBy: replica));
            }
        }

        Raise(change);
        return change is not null;
    }

    /// <summary>
    /// The trial <paramref name="permit"/> let through is another replica's to send: it is not sent, and calls are
    /// refused until that replica's verdict arrives, or its lease runs out (<paramref name="heldFor"/>), when the next
    /// call asks for the lease again.
    /// </summary>
    internal void RecordTrialElsewhere(CircuitPermit permit, string holder, TimeSpan heldFor)
    {
        ArgumentException.ThrowIfNullOrEmpty(holder);
        lock (_gate)
        {
            if (!Finish(permit, out var attempt))
            {
                return;
            }

            if (attempt is not null)
            {
                _slow.Forget(attempt);
            }

            if (permit.IsTrial && permit.Generation == _machine.Generation && _machine.State == CircuitState.HalfOpen)
            {
                _machine.TrialInFlight = false;
                _machine.RemoteTrial = (holder, _timeProvider.GetUtcNow() + heldFor);
            }
        }
    }

    // Must be called under _gate.
    private bool RemoteTrialPending() => _machine.RemoteTrial is { } trial && _timeProvider.GetUtcNow() < trial.Until;
}

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>
/// A circuit's states and the moves between them, apart from the policies that decide when to move (failure counts
/// and ratios, slow calls and stalls, the monitor, an operator): Closed → Open for a break that grows with each trip
/// in a row; Open → HalfOpen when the break has ended, or early once per outage; HalfOpen lets one trial through and
/// becomes Closed or Open on its verdict; any state → Isolated, held open from outside until closed.
/// </summary>
/// <remarks>Not thread-safe: its <see cref="CircuitBreaker"/> calls it under its lock. Every move starts a new
/// <see cref="Generation"/>, so outcomes of calls let through before it no longer count.</remarks>
internal sealed class CircuitStateMachine(string provider, CircuitBreakerOptions options)
{
    // Cancelled, replaced and disposed each time the circuit is isolated; every permit carries the one current when it was given.
    private CancellationTokenSource _isolation = new();
    private int _consecutiveTrips;

    public CircuitState State { get; private set; } = CircuitState.Closed;

    public long Generation { get; private set; }

    /// <summary>Whether the half-open circuit's one trial is out.</summary>
    public bool TrialInFlight { get; set; }

    /// <summary>Whether this outage already had its early trial (<see cref="EndBreakEarly"/>).</summary>
    public bool BreakShortened { get; private set; }

    public DateTimeOffset? OpenedAt { get; private set; }

    public DateTimeOffset BreakEndsAt { get; private set; }

    /// <summary>Names the current break (open, then half-open) across replicas: the trial lease is taken for it.</summary>
    public string? BreakId { get; private set; }

    /// <summary>The replica whose decision put the circuit in its state, when another one did; <see langword="null"/>: this one.</summary>
    public string? DecidedBy { get; private set; }

    /// <summary>While half-open: another replica (<c>Holder</c>) holds this break's trial lease until <c>Until</c>, so this one refuses calls.</summary>
    public (string Holder, DateTimeOffset Until)? RemoteTrial { get; set; }

    /// <summary>When whoever isolated the circuit looks again, if they said.</summary>
    public DateTimeOffset? IsolationReviewAt { get; private set; }

    /// <summary>Cancelled when the circuit is next isolated.</summary>
    public CancellationToken Isolation => _isolation.Token;

    public bool BreakEnded(DateTimeOffset now) => State == CircuitState.Open && now >= BreakEndsAt;

    /// <summary>Time left in the current break, while open.</summary>
    public TimeSpan? RetryAfter(DateTimeOffset now) =>
        State == CircuitState.Open ? (BreakEndsAt > now ? BreakEndsAt - now : TimeSpan.Zero) : null;

    /// <summary>Opens for a break that grows with every trip since the circuit last closed on a trial's success.</summary>
    public CircuitStateChangedEventArgs Open(DateTimeOffset now, string reason)
    {
        _consecutiveTrips++;
        var breakDuration = options.BreakFor(_consecutiveTrips);
        OpenedAt = now;
        BreakEndsAt = now + breakDuration;
        return MoveTo(CircuitState.Open, reason, breakDuration, NewBreakId(), decidedBy: null);
    }

    /// <summary>Opens for a break another replica decided: its id and end are kept, so every replica ends it together.</summary>
    public CircuitStateChangedEventArgs OpenAsDecided(DateTimeOffset openedAt, DateTimeOffset breakEndsAt, string breakId, string replica, string reason)
    {
        _consecutiveTrips++;
        OpenedAt = openedAt;
        BreakEndsAt = breakEndsAt;
        return MoveTo(CircuitState.Open, reason, breakEndsAt - openedAt, breakId, replica);
    }

    public CircuitStateChangedEventArgs HalfOpen(string reason) => MoveTo(CircuitState.HalfOpen, reason, breakDuration: null, BreakId, decidedBy: null);

    /// <summary>Closes; <paramref name="forgetTrips"/> also starts the next break from the shortest again.</summary>
    public CircuitStateChangedEventArgs Close(string reason, bool forgetTrips, string? decidedBy = null)
    {
        if (forgetTrips)
        {
            _consecutiveTrips = 0;
        }

        // The closing event names the break it ends, so the other replicas close the same one.
        return MoveTo(CircuitState.Closed, reason, breakDuration: null, BreakId, decidedBy);
    }

    /// <summary>Ends an open circuit's break now, once per outage, so the next call is its trial.</summary>
    public CircuitStateChangedEventArgs? EndBreakEarly(DateTimeOffset now, string reason)
    {
        if (State != CircuitState.Open || BreakShortened)
        {
            return null;
        }

        BreakShortened = true;
        BreakEndsAt = now;
        return HalfOpen(reason);
    }

    /// <summary>
    /// Holds the circuit open until closed. Returns the move (none when already isolated: only the review time is
    /// updated) and the isolation source it replaced, which the caller cancels and disposes outside its lock.
    /// </summary>
    public (CircuitStateChangedEventArgs? Change, CancellationTokenSource? Replaced) Isolate(DateTimeOffset now, string reason, TimeSpan? reviewAfter)
    {
        IsolationReviewAt = reviewAfter is { } review ? now + review : null;
        if (State == CircuitState.Isolated)
        {
            return (null, null);
        }

        OpenedAt ??= now;
        var change = MoveTo(CircuitState.Isolated, reason, breakDuration: null, breakId: null, decidedBy: null);
        var replaced = _isolation;
        _isolation = new CancellationTokenSource();
        return (change, replaced);
    }

    private CircuitStateChangedEventArgs MoveTo(CircuitState to, string reason, TimeSpan? breakDuration, string? breakId, string? decidedBy)
    {
        var from = State;
        State = to;
        Generation++;
        TrialInFlight = false;
        RemoteTrial = null;
        BreakId = to == CircuitState.Closed ? null : breakId;
        DecidedBy = decidedBy;
        if (to == CircuitState.Closed)
        {
            OpenedAt = null;
            BreakShortened = false;
        }

        return new CircuitStateChangedEventArgs(provider, from, to, reason, breakDuration)
        {
            BreakId = breakId,
            OpenedAt = OpenedAt,
            BreakEndsAt = to == CircuitState.Open ? BreakEndsAt : null,
            DecidedBy = decidedBy,
        };
    }

    // Unique enough across replicas and restarts; short, since it is part of a Redis key.
    private static string NewBreakId() => Guid.NewGuid().ToString("N")[..16];
}

using Microsoft.Extensions.Logging.Abstractions;

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>
/// The circuit state of one provider: the outcomes it has seen and whether calls may pass.
/// <see cref="CircuitBreakerChatClient"/> asks it for a permit before each call, reports the first token,
/// and reports the outcome after.
/// </summary>
/// <remarks>
/// <para>Closed → Open after <see cref="CircuitBreakerOptions.FailureThreshold"/> consecutive failures, the failure
/// ratio, or the slow-call ratio; Open → HalfOpen when the break has ended and a call arrives; HalfOpen lets exactly
/// one trial through and closes on its success (forgetting the window) or reopens, with a longer break, on its
/// failure. Isolated holds it open until closed from outside. The Open → HalfOpen move happens on a call, but
/// <see cref="WouldPermit"/> reports an ended break as passable, so a router that skips open providers still sends
/// the trial.</para>
/// <para>Slow calls (<see cref="SlowCallOptions"/>): an attempt still without its first token past the slow-call
/// threshold is stalled and counts as a failure however it ends, the caller giving up included; one that ends
/// sooner without a verdict is ignored. While the provider is stalled (a stalled attempt is waiting, or the last
/// attempt to end had stalled, and no later one has received a token) the circuit stays closed but lets through only
/// <see cref="SlowCallOptions.MaxTrialsWhileStalled"/> trials at once, so new requests do not pile onto a hang.
/// Trials, stalled or half-open, carry the threshold as their time-to-first-token limit.</para>
/// <para>Stalls after the first token: each permit carries the provider's learnt inter-chunk limit; a stream silent
/// for longer (<see cref="RecordStreamStalled"/>) is a failure and leaves the provider stalled, as above, until a call
/// succeeds.</para>
/// <para>Thread-safe. <see cref="StateChanged"/> is raised outside the lock, after the change.</para>
/// </remarks>
public sealed partial class CircuitBreaker
{
    private const double LatencySmoothing = 0.2;
    private const string HalfOpenReason = "circuit half-open (trial in progress)";
    private const string StalledReason = "provider stalled (trial in progress)";
    private const string IsolatedReason = "circuit isolated";
    private static readonly TimeSpan MinimumRetryAfter = TimeSpan.FromSeconds(1);

    private readonly CircuitBreakerOptions _options;
    private readonly SlowCallPolicy _slowCalls;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    private readonly CircuitStateMachine _machine;
    private readonly RollingOutcomeWindow _window;
    private readonly SlowCallTracker _slow;

    private int _consecutiveFailures;
    private double? _averageLatencyMs;
    private DateTimeOffset? _lastStallAt;
    private ProviderHealthUpdater? _writer;

    /// <summary>Creates a closed breaker for <paramref name="provider"/>.</summary>
    /// <param name="provider">The provider it guards.</param>
    /// <param name="options">When it opens and for how long.</param>
    /// <param name="timeProvider">Its clock.</param>
    /// <param name="logger">Where state changes and stalls are logged.</param>
    /// <param name="slowCalls">The slow-call policy; <see cref="SlowCallPolicy.Default"/> when omitted.</param>
    public CircuitBreaker(
        string provider, CircuitBreakerOptions options, TimeProvider timeProvider, ILogger<CircuitBreaker>? logger = null, SlowCallPolicy? slowCalls = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Provider = provider;
        _options = options;
        _slowCalls = slowCalls ?? SlowCallPolicy.Default;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _machine = new CircuitStateMachine(provider, options);
        _window = new RollingOutcomeWindow(options.SamplingDuration);
        _slow = new SlowCallTracker(_slowCalls, timeProvider);
    }

    /// <summary>Raised after every state change.</summary>
    public event EventHandler<CircuitStateChangedEventArgs>? StateChanged;

    /// <summary>The one <see cref="ProviderHealthUpdater"/> that writes this circuit's health, once one is built over it.</summary>
    internal ProviderHealthUpdater? Writer => _writer;

    // One writer per circuit: two would each decide who overrides whom, and neither would see all the inputs.
    internal void ClaimWriter(ProviderHealthUpdater writer)
    {
        if (Interlocked.CompareExchange(ref _writer, writer, null) is { } owner && !ReferenceEquals(owner, writer))
        {
            throw new InvalidOperationException($"The circuit of {Provider} already has its health writer: build one {nameof(ProviderHealthUpdater)} over each circuit.");
        }
    }

    /// <summary>The provider this breaker guards.</summary>
    public string Provider { get; }

    /// <summary>The current state.</summary>
    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _machine.State;
            }
        }
    }

    /// <summary>When the current break ends, while the circuit is open; <see langword="null"/> otherwise (isolated included).</summary>
    public DateTimeOffset? BreakEndsAt
    {
        get
        {
            lock (_gate)
            {
                return _machine.State == CircuitState.Open ? _machine.BreakEndsAt : null;
            }
        }
    }

    /// <summary>Whether <see cref="EndBreakNow"/> would end the current break: open, and this outage has not had its early trial yet.</summary>
    public bool CanEndBreakEarly
    {
        get
        {
            lock (_gate)
            {
                return _machine.State == CircuitState.Open && !_machine.BreakShortened;
            }
        }
    }

    /// <summary>Time left in the current break, while open; <see langword="null"/> otherwise (isolated included).</summary>
    public TimeSpan? RetryAfter
    {
        get
        {
            lock (_gate)
            {
                return _machine.RetryAfter(_timeProvider.GetUtcNow());
            }
        }
    }

    /// <summary>Whether a call made now would be let through, without changing anything.</summary>
    public bool WouldPermit()
    {
        lock (_gate)
        {
            return _machine.State switch
            {
                CircuitState.Closed => !_slow.IsStalled(_timeProvider.GetTimestamp()) || _slow.CanAdmitTrial,
                CircuitState.Open => _machine.BreakEnded(_timeProvider.GetUtcNow()),
                CircuitState.HalfOpen => !_machine.TrialInFlight && !RemoteTrialPending(),
                _ => false,
            };
        }
    }

    /// <summary>Asks to make a call. When it returns <see langword="true"/>, report the outcome with <paramref name="permit"/>.</summary>
    public bool TryEnter(out CircuitPermit permit)
    {
        CircuitStateChangedEventArgs? change = null;
        bool permitted;
        lock (_gate)
        {
            if (_machine.BreakEnded(_timeProvider.GetUtcNow()))
            {
                change = Moved(_machine.HalfOpen("break ended"));
            }

            var now = _timeProvider.GetTimestamp();
            switch (_machine.State)
            {
                case CircuitState.Closed when !_slow.IsStalled(now):
                    permit = Admit(now, isTrial: false, isStallTrial: false);
                    permitted = true;
                    break;
                case CircuitState.Closed when _slow.CanAdmitTrial:
                    _slow.TrialsInFlight++;
                    permit = Admit(now, isTrial: false, isStallTrial: true);
                    permitted = true;
                    break;
                case CircuitState.HalfOpen when !_machine.TrialInFlight && !RemoteTrialPending():
                    _machine.TrialInFlight = true;
                    permit = Admit(now, isTrial: true, isStallTrial: false);
                    permitted = true;
                    break;
                default:
                    permit = default;
                    permitted = false;
                    break;
            }
        }

        Raise(change);
        return permitted;
    }

    /// <summary>
    /// Ends the current break now and moves to half-open, so the next call is the trial. Used when every provider is
    /// open; allowed once per outage (until the circuit closes), so a total outage costs one trial per break, not
    /// one call per request.
    /// </summary>
    /// <returns><see langword="true"/> if the circuit was open and now awaits its trial.</returns>
    internal bool EndBreakNow()
    {
        CircuitStateChangedEventArgs? change;
        lock (_gate)
        {
            change = _machine.EndBreakEarly(_timeProvider.GetUtcNow(), "every circuit open: early trial") is { } early ? Moved(early) : null;
        }

        Raise(change);
        return change is not null;
    }

    /// <summary>Holds the circuit open until <see cref="Close"/> (an operator's or the monitor's decision).</summary>
    /// <param name="reason">Why, for logs and incidents.</param>
    /// <param name="reviewAfter">When whoever isolated it will look again (the monitor's next probe), so refused
    /// callers get a meaningful <see cref="RetryAfterHint"/>; <see langword="null"/> when nobody knows.</param>
    /// <remarks>Calls let through before and still waiting for their first token see <see cref="CircuitPermit.Isolation"/> cancelled.</remarks>
    internal void Isolate(string reason, TimeSpan? reviewAfter = null)
    {
        CircuitStateChangedEventArgs? change;
        CancellationTokenSource? isolated;
        lock (_gate)
        {
            (change, isolated) = _machine.Isolate(_timeProvider.GetUtcNow(), reason, reviewAfter);
            if (change is null || isolated is null)
            {
                return;
            }

            Moved(change);
        }

        Raise(change);

        // Calls admitted before now that still wait for a first token give up and move on (outside the lock: their
        // cancellation callbacks run here). Only the Isolate that replaced a source cancels it, so it is disposed once,
        // after its one Cancel; permits still holding its token see it cancelled, and late registrations run at once.
        try
        {
            isolated.Cancel();
        }
        finally
        {
            isolated.Dispose();
        }
    }

    /// <summary>Closes the circuit and forgets past failures and stalls (an operator's or the monitor's decision).</summary>
    /// <param name="reason">Why, for logs and incidents.</param>
    /// <param name="decidedBy">The replica whose operator reset it, when another one's (not published again).</param>
    internal void Close(string reason, string? decidedBy = null)
    {
        CircuitStateChangedEventArgs? change;
        lock (_gate)
        {
            if (_machine.State == CircuitState.Closed)
            {
                return;
            }

            _consecutiveFailures = 0;
            _window.Clear();
            _slow.Forget();
            change = Moved(_machine.Close(reason, forgetTrips: true, decidedBy));
        }

        Raise(change);
    }

    /// <summary>A consistent view of the breaker now.</summary>
    public CircuitBreakerSnapshot GetSnapshot()
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            var (successes, failures, slow) = _window.Totals(now);
            return new CircuitBreakerSnapshot(
                _machine.State,
                _consecutiveFailures,
                successes,
                failures,
                _machine.State == CircuitState.Closed ? null : _machine.OpenedAt,
                _machine.RetryAfter(now),
                _averageLatencyMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
                _machine.State == CircuitState.Closed && _slow.IsStalled(_timeProvider.GetTimestamp()),
                slow,
                _slow.Threshold,
                _slow.TypicalTimeToFirstToken,
                _slow.InterChunkLimit,
                _lastStallAt,
                _machine.DecidedBy);
        }
    }

    /// <summary>How a refused call is described while the circuit is open.</summary>
    private static string CircuitOpenReason(TimeSpan? retryAfter) =>
        retryAfter is { } wait ? $"circuit open (retry in {Math.Ceiling(wait.TotalSeconds)} s)" : "circuit open";

    // Must be called under _gate.
    private CircuitPermit Admit(long now, bool isTrial, bool isStallTrial)
    {
        var attempt = _slow.Admit(now);
        return new CircuitPermit(_machine.Generation, isTrial)
        {
            BreakId = isTrial ? _machine.BreakId : null,
            IsStallTrial = isStallTrial,
            TrialTimeToFirstToken = isTrial || isStallTrial ? _slow.Threshold : null,
            InterChunkLimit = _slow.InterChunkLimit,
            Attempt = attempt,
            Isolation = _machine.Isolation,
        };
    }

    // Must be called under _gate.
    private TimeSpan Remaining(DateTimeOffset until)
    {
        var now = _timeProvider.GetUtcNow();
        return until > now ? until - now : TimeSpan.Zero;
    }

    // Must be called under _gate. A move starts a new generation: stall trials let through before it no longer hold a place.
    private CircuitStateChangedEventArgs Moved(CircuitStateChangedEventArgs change)
    {
        _slow.TrialsInFlight = 0;
        if (change.To == CircuitState.Closed)
        {
            _slow.OnClosed();
        }

        return change;
    }

    // Must be called under _gate.
    private CircuitStateChangedEventArgs Open(DateTimeOffset now, string reason) => Moved(_machine.Open(now, reason));

    private void Raise(CircuitStateChangedEventArgs? change)
    {
        if (change is null)
        {
            return;
        }

        if (change.To is CircuitState.Open or CircuitState.Isolated)
        {
            LogOpened(Provider, change.From, change.To, change.Reason, change.BreakDuration?.TotalSeconds);
        }
        else
        {
            LogTransition(Provider, change.From, change.To, change.Reason);
        }

        StateChanged?.Invoke(this, change);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit of {Provider} {From} -> {To}: {Reason} (break {BreakSeconds} s)")]
    private partial void LogOpened(string provider, CircuitState from, CircuitState to, string reason, double? breakSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit of {Provider} {From} -> {To}: {Reason}")]
    private partial void LogTransition(string provider, CircuitState from, CircuitState to, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} stalled: no first token after {WaitedSeconds} s (slow-call threshold {ThresholdSeconds} s); counted as a failure")]
    private partial void LogStalled(string provider, double waitedSeconds, double thresholdSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} stalled after its first token: no chunk for {SilentSeconds} s (inter-chunk limit {LimitSeconds} s); counted as a failure")]
    private partial void LogStreamStalled(string provider, double silentSeconds, double limitSeconds);
}

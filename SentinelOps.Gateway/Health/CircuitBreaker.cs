using Microsoft.Extensions.Logging.Abstractions;

namespace SentinelOps.Gateway.Health;

/// <summary>
/// The circuit state of one provider: the outcomes it has seen and whether calls may pass.
/// <see cref="ChatClients.CircuitBreakerChatClient"/> asks it for a permit before each call and reports the outcome after.
/// </summary>
/// <remarks>
/// <para>Closed → Open after <see cref="CircuitBreakerOptions.FailureThreshold"/> consecutive failures or the failure
/// ratio; Open → HalfOpen when the break has ended and a call arrives; HalfOpen lets exactly one trial through and
/// closes on its success or reopens, with a longer break, on its failure. Isolated holds it open until closed from
/// outside. The Open → HalfOpen move happens on a call, but <see cref="WouldPermit"/> reports an ended break as
/// passable, so a router that skips open providers still sends the trial.</para>
/// <para>Thread-safe. <see cref="StateChanged"/> is raised outside the lock, after the change.</para>
/// </remarks>
public sealed partial class CircuitBreaker
{
    private const double LatencySmoothing = 0.2;

    private readonly CircuitBreakerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly RollingOutcomeWindow _window;

    private CircuitState _state = CircuitState.Closed;
    private long _generation;
    private int _consecutiveFailures;
    private int _consecutiveTrips;
    private bool _trialInFlight;
    private DateTimeOffset? _openedAt;
    private DateTimeOffset _breakEndsAt;
    private double? _averageLatencyMs;

    /// <summary>Creates a closed breaker for <paramref name="provider"/>.</summary>
    public CircuitBreaker(string provider, CircuitBreakerOptions options, TimeProvider timeProvider, ILogger<CircuitBreaker>? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Provider = provider;
        _options = options;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _window = new RollingOutcomeWindow(options.SamplingDuration);
    }

    /// <summary>Raised after every state change.</summary>
    public event EventHandler<CircuitStateChangedEventArgs>? StateChanged;

    /// <summary>The provider this breaker guards.</summary>
    public string Provider { get; }

    /// <summary>The current state.</summary>
    public CircuitState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
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
                return _state == CircuitState.Open ? _breakEndsAt : null;
            }
        }
    }

    /// <summary>Time left in the current break, while open; <see langword="null"/> otherwise (isolated included).</summary>
    /// <remarks>Cheaper than <see cref="GetSnapshot"/>: the router asks it for every provider it skips.</remarks>
    public TimeSpan? RetryAfter
    {
        get
        {
            lock (_gate)
            {
                return RetryAfterAt(_timeProvider.GetUtcNow());
            }
        }
    }

    /// <summary>Whether a call made now would be let through, without changing anything.</summary>
    public bool WouldPermit()
    {
        lock (_gate)
        {
            return _state switch
            {
                CircuitState.Closed => true,
                CircuitState.Open => _timeProvider.GetUtcNow() >= _breakEndsAt,
                CircuitState.HalfOpen => !_trialInFlight,
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
            if (_state == CircuitState.Open && _timeProvider.GetUtcNow() >= _breakEndsAt)
            {
                change = Transition(CircuitState.HalfOpen, "break ended", breakDuration: null);
            }

            switch (_state)
            {
                case CircuitState.Closed:
                    permit = new CircuitPermit(_generation, IsTrial: false);
                    permitted = true;
                    break;
                case CircuitState.HalfOpen when !_trialInFlight:
                    _trialInFlight = true;
                    permit = new CircuitPermit(_generation, IsTrial: true);
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

    /// <summary>Reports a successful call.</summary>
    public void RecordSuccess(CircuitPermit permit, TimeSpan latency)
    {
        CircuitStateChangedEventArgs? change = null;
        lock (_gate)
        {
            _window.Record(_timeProvider.GetUtcNow(), success: true);
            _averageLatencyMs = _averageLatencyMs is { } average
                ? average + (LatencySmoothing * (latency.TotalMilliseconds - average))
                : latency.TotalMilliseconds;

            if (permit.Generation != _generation)
            {
                // Admitted before the last state change: a late success says nothing about the provider now.
            }
            else if (permit.IsTrial && _state == CircuitState.HalfOpen)
            {
                _trialInFlight = false;
                _consecutiveTrips = 0;
                _consecutiveFailures = 0;
                change = Transition(CircuitState.Closed, "trial call succeeded", breakDuration: null);
            }
            else if (_state == CircuitState.Closed)
            {
                _consecutiveFailures = 0;
            }
        }

        Raise(change);
    }

    /// <summary>Reports a call that failed because of the provider.</summary>
    public void RecordFailure(CircuitPermit permit)
    {
        CircuitStateChangedEventArgs? change = null;
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            _window.Record(now, success: false);
            if (permit.Generation != _generation)
            {
                // Admitted before the last state change: already accounted for.
            }
            else if (permit.IsTrial && _state == CircuitState.HalfOpen)
            {
                _trialInFlight = false;
                change = Open(now, "trial call failed");
            }
            else if (_state == CircuitState.Closed)
            {
                _consecutiveFailures++;
                var (successes, failures) = _window.Totals(now);
                var total = successes + failures;
                if (_consecutiveFailures >= _options.FailureThreshold)
                {
                    change = Open(now, $"{_consecutiveFailures} consecutive failures");
                }
                else if (total >= _options.MinimumThroughput && (double)failures / total >= _options.FailureRatio)
                {
                    change = Open(now, $"failure ratio {(double)failures / total:P0} over {total} calls");
                }
            }
        }

        Raise(change);
    }

    /// <summary>Reports a call that ended without a verdict on the provider (cancelled by the caller, or a request the provider rightly refused).</summary>
    public void RecordAbandoned(CircuitPermit permit)
    {
        lock (_gate)
        {
            if (permit.IsTrial && permit.Generation == _generation && _state == CircuitState.HalfOpen)
            {
                // Let the next call be the trial instead.
                _trialInFlight = false;
            }
        }
    }

    /// <summary>Ends the current break now, so the next call is the half-open trial. Used when every provider is open.</summary>
    /// <returns><see langword="true"/> if the circuit was open and now awaits its trial.</returns>
    public bool EndBreakNow()
    {
        lock (_gate)
        {
            if (_state != CircuitState.Open)
            {
                return false;
            }

            _breakEndsAt = _timeProvider.GetUtcNow();
            return true;
        }
    }

    /// <summary>Holds the circuit open until <see cref="Close"/> (an operator's or the monitor's decision).</summary>
    public void Isolate(string reason)
    {
        CircuitStateChangedEventArgs? change;
        lock (_gate)
        {
            if (_state == CircuitState.Isolated)
            {
                return;
            }

            _openedAt ??= _timeProvider.GetUtcNow();
            _trialInFlight = false;
            change = Transition(CircuitState.Isolated, reason, breakDuration: null);
        }

        Raise(change);
    }

    /// <summary>Closes the circuit and forgets past failures (an operator's or the monitor's decision).</summary>
    public void Close(string reason)
    {
        CircuitStateChangedEventArgs? change;
        lock (_gate)
        {
            if (_state == CircuitState.Closed)
            {
                return;
            }

            _consecutiveFailures = 0;
            _consecutiveTrips = 0;
            _trialInFlight = false;
            _window.Clear();
            change = Transition(CircuitState.Closed, reason, breakDuration: null);
        }

        Raise(change);
    }

    /// <summary>A consistent view of the breaker now.</summary>
    public CircuitBreakerSnapshot GetSnapshot()
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            var (successes, failures) = _window.Totals(now);
            return new CircuitBreakerSnapshot(
                _state,
                _consecutiveFailures,
                successes,
                failures,
                _state == CircuitState.Closed ? null : _openedAt,
                RetryAfterAt(now),
                _averageLatencyMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
        }
    }

    // Must be called under _gate.
    private TimeSpan? RetryAfterAt(DateTimeOffset now) =>
        _state == CircuitState.Open ? (_breakEndsAt > now ? _breakEndsAt - now : TimeSpan.Zero) : null;

    // Must be called under _gate.
    private CircuitStateChangedEventArgs Open(DateTimeOffset now, string reason)
    {
        _consecutiveTrips++;
        var breakDuration = _options.BreakFor(_consecutiveTrips);
        _openedAt = now;
        _breakEndsAt = now + breakDuration;
        return Transition(CircuitState.Open, reason, breakDuration);
    }

    // Must be called under _gate.
    private CircuitStateChangedEventArgs Transition(CircuitState to, string reason, TimeSpan? breakDuration)
    {
        var from = _state;
        _state = to;
        _generation++;
        if (to == CircuitState.Closed)
        {
            _openedAt = null;
        }

        return new CircuitStateChangedEventArgs(Provider, from, to, reason, breakDuration);
    }

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
}

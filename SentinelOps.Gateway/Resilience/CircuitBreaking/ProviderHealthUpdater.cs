namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>
/// The one writer of provider health, after YARP's <c>DestinationHealthUpdater</c>: what each call said about its
/// provider (reported by <see cref="CircuitBreakerChatClient"/>, the passive half), the monitor's verdicts, an
/// operator's reset, other replicas' opens and closes (shared circuits) and the router's early trial all change
/// circuits here, so who may override whom is decided in one place.
/// </summary>
/// <remarks>Thread-safe. Each circuit has exactly one updater; building a second over it throws. A circuit the gateway
/// opened by its own count keeps its break when the monitor finds the provider up; only a circuit the monitor isolated
/// is closed by the monitor.</remarks>
public sealed partial class ProviderHealthUpdater
{
    private readonly Dictionary<string, CircuitBreaker> _breakers;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    // When an operator last reset the circuits: a monitor finding taken before it is older news than the reset.
    private DateTimeOffset _resetAt = DateTimeOffset.MinValue;

    // Providers isolated because the monitor said so; only these does the monitor's "up" close.
    private readonly HashSet<string> _isolatedByMonitor = new(StringComparer.Ordinal);

    /// <summary>Creates the updater over every provider's circuit, and makes it their one writer.</summary>
    /// <exception cref="InvalidOperationException">A circuit already has another updater.</exception>
    public ProviderHealthUpdater(IEnumerable<CircuitBreaker> breakers, TimeProvider? timeProvider = null, ILogger<ProviderHealthUpdater>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(breakers);
        _breakers = breakers.ToDictionary(b => b.Provider, StringComparer.Ordinal);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        foreach (var breaker in _breakers.Values)
        {
            if (breaker.Writer is { } other && !ReferenceEquals(other, this))
            {
                throw new InvalidOperationException($"The circuit of {breaker.Provider} already has its health writer: build one {nameof(ProviderHealthUpdater)} over each circuit.");
            }
        }

        foreach (var breaker in _breakers.Values)
        {
            breaker.ClaimWriter(this);
        }
    }

    /// <summary>
    /// The monitor found <paramref name="provider"/> down: its circuit is isolated until the monitor finds it up, and
    /// calls still waiting for its first token give up. <paramref name="reviewAfter"/> is when the monitor looks again;
    /// a finding <paramref name="takenAt"/> before an operator's last reset is ignored.
    /// </summary>
    public void MonitorFoundDown(string provider, string reason, TimeSpan? reviewAfter, DateTimeOffset takenAt)
    {
        if (!_breakers.TryGetValue(provider, out var breaker) || breaker.State == CircuitState.Isolated)
        {
            return;
        }

        lock (_gate)
        {
            if (takenAt < _resetAt)
            {
                return;
            }

            _isolatedByMonitor.Add(provider);
        }

        LogIsolating(provider, reason);
        breaker.Isolate(reason, reviewAfter);
    }

    /// <summary>
    /// The monitor found <paramref name="provider"/> up: its circuit closes if the monitor had isolated it, or whoever
    /// opened it when <paramref name="recovered"/> (the monitor saw it recover from an outage it recorded).
    /// </summary>
    public void MonitorFoundUp(string provider, string reason, bool recovered = false)
    {
        bool isolatedByMonitor;
        lock (_gate)
        {
            isolatedByMonitor = _isolatedByMonitor.Remove(provider);
        }

        if ((!isolatedByMonitor && !recovered) || !_breakers.TryGetValue(provider, out var breaker) || breaker.State == CircuitState.Closed)
        {
            return;
        }

        LogClosing(provider, reason);
        breaker.Close(reason);
    }

    /// <summary>An operator's reset: every circuit closes, forgetting past failures and stalls.</summary>
    /// <returns>Each provider's state before and after.</returns>
    public IReadOnlyDictionary<string, (CircuitState Before, CircuitState After)> ResetAll(string reason)
    {
        var states = Reset(reason, decidedBy: null);
        CircuitsReset?.Invoke(this, reason);
        return states;
    }

    /// <summary>
    /// An operator reset every circuit on another replica (shared circuits): reset here too, as that replica's decision,
    /// so it is not published again.
    /// </summary>
    public void ReplicaReset(string replica, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(replica);
        LogReplicaReset(replica);
        Reset($"{reason} (on replica {replica})", replica);
    }

    /// <summary>Raised after an operator's reset on this replica (<see cref="ResetAll"/>), with its reason.</summary>
    public event EventHandler<string>? CircuitsReset;

    private Dictionary<string, (CircuitState, CircuitState)> Reset(string reason, string? decidedBy)
    {
        lock (_gate)
        {
            _isolatedByMonitor.Clear();
            _resetAt = _timeProvider.GetUtcNow();
        }

        var states = new Dictionary<string, (CircuitState, CircuitState)>(StringComparer.Ordinal);
        foreach (var (provider, breaker) in _breakers)
        {
            var before = breaker.State;
            breaker.Close(reason, decidedBy);
            states[provider] = (before, breaker.State);
        }

        return states;
    }

    /// <summary>
    /// Another replica opened <paramref name="provider"/>'s circuit (shared circuits): open here for the rest of that
    /// break. Applied as that replica's decision, so it is not published again. An isolated circuit stays isolated.
    /// </summary>
    /// <returns>Whether the circuit changed.</returns>
    public bool ReplicaOpened(string provider, string replica, string breakId, DateTimeOffset openedAt, DateTimeOffset breakEndsAt, string reason)
    {
        if (!_breakers.TryGetValue(provider, out var breaker) || !breaker.ApplyReplicaOpen(replica, breakId, openedAt, breakEndsAt, reason))
        {
            return false;
        }

        LogReplicaOpened(provider, replica, breakId);
        return true;
    }

    /// <summary>Another replica's trial of <paramref name="provider"/>'s break <paramref name="breakId"/> succeeded: close here too.</summary>
    /// <returns>Whether the circuit changed.</returns>
    public bool ReplicaClosed(string provider, string replica, string breakId, string reason)
    {
        if (!_breakers.TryGetValue(provider, out var breaker) || !breaker.ApplyReplicaClose(replica, breakId, reason))
        {
            return false;
        }

        LogReplicaClosed(provider, replica, breakId);
        return true;
    }

    /// <summary>
    /// Every circuit refuses calls: ends <paramref name="breaker"/>'s break now so the next call is its trial, once per
    /// outage (healthy-or-panic). False when it was not open or already had its early trial.
    /// </summary>
    /// <exception cref="ArgumentException">This updater does not write <paramref name="breaker"/>'s health.</exception>
    public bool StartEarlyTrial(CircuitBreaker breaker) => Owned(breaker).EndBreakNow();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Isolating the circuit of {Provider}: {Reason}")]
    private partial void LogIsolating(string provider, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Opening the circuit of {Provider} as replica {Replica} decided (break {BreakId})")]
    private partial void LogReplicaOpened(string provider, string replica, string breakId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing the circuit of {Provider} as replica {Replica}'s trial decided (break {BreakId})")]
    private partial void LogReplicaClosed(string provider, string replica, string breakId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resetting every circuit: an operator reset them on replica {Replica}")]
    private partial void LogReplicaReset(string replica);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing the circuit of {Provider}: {Reason}")]
    private partial void LogClosing(string provider, string reason);
}

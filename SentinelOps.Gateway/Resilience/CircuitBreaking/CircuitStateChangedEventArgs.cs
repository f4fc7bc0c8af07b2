namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>A provider's circuit moved from one state to another.</summary>
/// <param name="Provider">The provider.</param>
/// <param name="From">The old state.</param>
/// <param name="To">The new state.</param>
/// <param name="Reason">Why, in a few words.</param>
/// <param name="BreakDuration">How long the break lasts, when the circuit opened.</param>
public sealed record CircuitStateChangedEventArgs(string Provider, CircuitState From, CircuitState To, string Reason, TimeSpan? BreakDuration)
{
    /// <summary>The break this change opens, half-opens or ends (what replicas agree on); <see langword="null"/> for isolation.</summary>
    public string? BreakId { get; init; }

    /// <summary>When the circuit opened, while it is not closed.</summary>
    public DateTimeOffset? OpenedAt { get; init; }

    /// <summary>When the break ends, when the circuit opened.</summary>
    public DateTimeOffset? BreakEndsAt { get; init; }

    /// <summary>The replica that decided this change when it was another one (applied here, not to be published again);
    /// <see langword="null"/> when this replica decided it.</summary>
    public string? DecidedBy { get; init; }
}

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>A provider's circuit moved from one state to another.</summary>
/// <param name="Provider">The provider.</param>
/// <param name="From">The old state.</param>
/// <param name="To">The new state.</param>
/// <param name="Reason">Why, in a few words.</param>
/// <param name="BreakDuration">How long the break lasts, when the circuit opened.</param>
public sealed record CircuitStateChangedEventArgs(string Provider, CircuitState From, CircuitState To, string Reason, TimeSpan? BreakDuration);

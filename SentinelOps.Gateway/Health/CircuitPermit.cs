namespace SentinelOps.Gateway.Health;

/// <summary>Permission for one call through a circuit breaker; report its outcome with the same permit.</summary>
/// <param name="Generation">The breaker's state generation when the call was let through, so late outcomes of calls
/// admitted before a state change do not decide the new state.</param>
/// <param name="IsTrial">Whether this is the single half-open trial call.</param>
public readonly record struct CircuitPermit(long Generation, bool IsTrial);

namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>The state of a provider's circuit breaker.</summary>
/// <remarks>On the wire in lowercase snake_case (<c>closed</c>, <c>open</c>, <c>half_open</c>, <c>isolated</c>), as the seed
/// writes it, by the one naming rule of <see cref="Shared.Json.SentinelJson"/>.</remarks>
public enum CircuitState
{
    /// <summary>Calls flow; outcomes are counted.</summary>
    Closed,

    /// <summary>Calls are refused until the break ends.</summary>
    Open,

    /// <summary>The break has ended; exactly one trial call is let through to decide between closing and reopening.</summary>
    HalfOpen,

    /// <summary>Held open from outside (an operator or the monitor) until closed from outside.</summary>
    Isolated,
}

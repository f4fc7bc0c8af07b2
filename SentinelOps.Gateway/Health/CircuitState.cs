using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Health;

/// <summary>The state of a provider's circuit breaker.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CircuitState>))]
public enum CircuitState
{
    /// <summary>Calls flow; outcomes are counted.</summary>
    [JsonStringEnumMemberName("CLOSED")] Closed,

    /// <summary>Calls are refused until the break ends.</summary>
    [JsonStringEnumMemberName("OPEN")] Open,

    /// <summary>The break has ended; exactly one trial call is let through to decide between closing and reopening.</summary>
    [JsonStringEnumMemberName("HALF_OPEN")] HalfOpen,

    /// <summary>Held open from outside (an operator or the monitor) until closed from outside.</summary>
    [JsonStringEnumMemberName("ISOLATED")] Isolated,
}

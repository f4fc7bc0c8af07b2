using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Resilience.SharedCircuits;

/// <summary>What one replica tells the others on <c>sentinel:circuits</c>: it opened a provider's circuit, closed it, or an
/// operator reset every circuit on it.</summary>
/// <param name="Replica">The replica that decided.</param>
/// <param name="Provider">The provider.</param>
/// <param name="Decision"><see cref="Opened"/>, <see cref="Closed"/> or <see cref="Reset"/>.</param>
/// <param name="BreakId">The break opened, or the break a close ends (empty for a reset).</param>
/// <param name="Reason">Why, in a few words (failure counts, a trial's verdict).</param>
/// <param name="At">When it was decided.</param>
/// <param name="OpenedAt">When the circuit opened, for an open.</param>
/// <param name="BreakEndsAt">When the break ends, for an open.</param>
public sealed record CircuitDecision(
    [property: JsonPropertyName("replica")] string Replica,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("break_id")] string BreakId,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("opened_at")] DateTimeOffset? OpenedAt = null,
    [property: JsonPropertyName("break_ends_at")] DateTimeOffset? BreakEndsAt = null)
{
    /// <summary>The replica opened the circuit, until <see cref="BreakEndsAt"/>.</summary>
    public const string Opened = "opened";

    /// <summary>The replica closed the circuit (its trial succeeded, or the monitor or an operator closed it).</summary>
    public const string Closed = "closed";

    /// <summary>An operator reset every circuit on the replica (<see cref="Provider"/> is <c>*</c>).</summary>
    public const string Reset = "reset";
}

using System.Text.Json.Serialization;

namespace SentinelOps.Simulator.Faults;

/// <summary>The fault in force, as <c>GET /control/faults</c> reports it.</summary>
public sealed record FaultStatus(
    [property: JsonPropertyName("mode")] FaultMode Mode,
    [property: JsonPropertyName("fault")] FaultRequest? Fault,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("remaining_requests")] int? RemainingRequests);

using System.Text.Json.Serialization;

namespace SentinelOps.Gateway.Operator;

/// <summary>The fault in force on a simulated provider.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Mode">The fault mode; <c>healthy</c> when none.</param>
/// <param name="Fault">The fault as it was set, while one is in force.</param>
/// <param name="ExpiresAt">When a timed fault clears itself.</param>
/// <param name="RemainingRequests">Requests left before a counted fault clears itself.</param>
public sealed record ProviderFaultStatus(
    [property: JsonPropertyName("provider")] string? Provider,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("fault")] ProviderFaultRequest? Fault,
    [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
    [property: JsonPropertyName("remaining_requests")] int? RemainingRequests);

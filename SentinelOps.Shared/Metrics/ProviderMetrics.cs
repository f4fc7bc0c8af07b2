using System.Text.Json.Serialization;

namespace SentinelOps.Shared.Metrics;

/// <summary>One provider's request counts in <see cref="MetricsReport"/>.</summary>
/// <param name="Requests">Requests that reached or passed it: <paramref name="Successes"/> + <paramref name="Failures"/>.</param>
/// <param name="Successes">Requests it answered.</param>
/// <param name="Failures">Requests where it failed, or was skipped with its circuit open.</param>
public sealed record ProviderMetrics(
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("successes")] long Successes,
    [property: JsonPropertyName("failures")] long Failures);

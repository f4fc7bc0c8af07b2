namespace SentinelOps.Shared.Events;

/// <summary>The payload of a <c>provider_status</c> event: one provider's health after a probe.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="Status">Its classification.</param>
/// <param name="LatencyMs">Smoothed (EWMA) probe latency, once a probe has succeeded.</param>
/// <param name="P95LatencyMs">95th percentile of recent probe latencies.</param>
/// <param name="SuccessRatePct">Successful probes among recent ones, 0–100.</param>
/// <param name="CheckedAt">When the last probe finished.</param>
/// <param name="Error">Why the last probe failed, secret-free; <see langword="null"/> when it succeeded.</param>
public sealed record ProviderStatusReport(
    string Provider,
    ProviderHealth Status,
    double? LatencyMs,
    double? P95LatencyMs,
    double SuccessRatePct,
    DateTimeOffset CheckedAt,
    string? Error = null);

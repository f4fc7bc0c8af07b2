using SentinelOps.Shared.Events;

namespace SentinelOps.Shared.Probing;

/// <summary>A provider's classification and the one-line, secret-free reason for it.</summary>
/// <param name="Status">Healthy, degraded or down.</param>
/// <param name="Reason">Why, for incidents and logs.</param>
public readonly record struct HealthAssessment(ProviderHealth Status, string Reason);

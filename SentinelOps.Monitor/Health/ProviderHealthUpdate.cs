using SentinelOps.Shared.Events;

namespace SentinelOps.Monitor.Health;

/// <summary>What one probe changed: the provider's new status report, and the incidents its change of state records.</summary>
/// <param name="Report">The <c>provider_status</c> payload.</param>
/// <param name="Previous">The status before this probe; <see langword="null"/> before the first.</param>
/// <param name="Incidents">Empty unless the status changed.</param>
internal sealed record ProviderHealthUpdate(ProviderStatusReport Report, ProviderHealth? Previous, IReadOnlyList<Incident> Incidents);

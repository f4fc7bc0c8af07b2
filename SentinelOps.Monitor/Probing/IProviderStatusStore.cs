using SentinelOps.Shared.Events;

namespace SentinelOps.Monitor.Probing;

/// <summary>Keeps each provider's latest status where every gateway replica can read it.</summary>
internal interface IProviderStatusStore
{
    /// <summary>Stores <paramref name="report"/> as its provider's latest status. Never throws and never blocks on an outage of the store.</summary>
    void Save(ProviderStatusReport report);
}

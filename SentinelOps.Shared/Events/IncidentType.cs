namespace SentinelOps.Shared.Events;

/// <summary>What an incident records. Serialized lowercase snake_case (<c>provider_down</c>).</summary>
public enum IncidentType
{
    /// <summary>The monitor found a provider down.</summary>
    ProviderDown,

    /// <summary>The monitor found a provider slow or partly failing.</summary>
    ProviderDegraded,

    /// <summary>The monitor found a provider healthy again after it was down or degraded.</summary>
    ProviderRecovered,

    /// <summary>A request was answered by a provider other than the first it tried.</summary>
    FailoverTriggered,

    /// <summary>A provider's circuit opened (or was isolated).</summary>
    CircuitOpened,

    /// <summary>A provider's break ended; its trial call is next.</summary>
    CircuitHalfOpen,

    /// <summary>A provider's circuit closed.</summary>
    CircuitClosed,

    /// <summary>A request found no provider able to answer.</summary>
    AllProvidersDown,
}

namespace SentinelOps.Shared.Events;

/// <summary>A provider's health as the monitor classifies it. Serialized lowercase (<c>healthy</c>).</summary>
public enum ProviderHealth
{
    /// <summary>Answering, fast enough.</summary>
    Healthy,

    /// <summary>Answering, but slow or partly failing.</summary>
    Degraded,

    /// <summary>Not answering.</summary>
    Down,
}

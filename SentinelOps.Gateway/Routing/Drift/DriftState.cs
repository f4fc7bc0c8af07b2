namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>Where a provider stands in drift draining.</summary>
public enum DriftState
{
    /// <summary>Full weight; its baselines are learning.</summary>
    Healthy,

    /// <summary>Drifted: its weight steps down (or holds) and its baselines are frozen, unless it settles at a new
    /// level and is re-baselined.</summary>
    Degraded,

    /// <summary>Healthy again, its weight climbing back step by step; baselines still frozen until it is whole.</summary>
    Recovering,
}

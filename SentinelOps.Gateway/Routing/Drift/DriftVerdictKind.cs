namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>The kinds of <see cref="DriftVerdict"/>.</summary>
public enum DriftVerdictKind
{
    /// <summary>Neither drifted nor shown healthy: the weight holds.</summary>
    Undecided,

    /// <summary>Fast figures well past the baseline: drain.</summary>
    Drifted,

    /// <summary>Fast figures back near the baseline, on fresh evidence: give traffic back.</summary>
    Healthy,
}

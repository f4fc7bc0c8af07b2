namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>What <see cref="BaselineDriftPolicy"/> makes of a provider's figures.</summary>
/// <param name="Kind">Drifted, healthy, or not enough to say.</param>
/// <param name="Reason">Why, in a line (figures included); empty when undecided.</param>
public readonly record struct DriftVerdict(DriftVerdictKind Kind, string Reason);

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

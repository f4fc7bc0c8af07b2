namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>What <see cref="BaselineDriftPolicy"/> makes of a provider's figures.</summary>
/// <param name="Kind">Drifted, healthy, or not enough to say.</param>
/// <param name="Reason">Why, in a line (figures included); empty when undecided.</param>
public readonly record struct DriftVerdict(DriftVerdictKind Kind, string Reason);

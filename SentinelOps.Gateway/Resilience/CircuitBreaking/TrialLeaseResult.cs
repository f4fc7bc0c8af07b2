namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>The answer to <see cref="ICircuitTrialLease.TryAcquireAsync"/>.</summary>
/// <param name="RunTrial">Whether this replica sends the trial: it holds the lease, or the lease could not be asked for.</param>
/// <param name="Holder">The replica holding the lease, when another one does.</param>
/// <param name="HeldFor">How much longer that replica holds it: until then this one refuses calls.</param>
/// <param name="Unavailable">The shared store did not answer in time: the replica falls back to its own trial.</param>
public readonly record struct TrialLeaseResult(bool RunTrial, string? Holder = null, TimeSpan HeldFor = default, bool Unavailable = false)
{
    /// <summary>This replica holds the lease.</summary>
    public static TrialLeaseResult Granted => new(RunTrial: true);

    /// <summary>No answer from the shared store: this replica runs its own trial.</summary>
    public static TrialLeaseResult NoAnswer => new(RunTrial: true, Unavailable: true);

    /// <summary>Another replica holds the lease for <paramref name="heldFor"/>.</summary>
    public static TrialLeaseResult HeldBy(string holder, TimeSpan heldFor) => new(RunTrial: false, holder, heldFor);
}

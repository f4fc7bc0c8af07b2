namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>
/// Decides which replica sends a break's half-open trial, when replicas share their circuits: asked once per break by
/// the replica about to send it, never on a closed circuit's call.
/// </summary>
public interface ICircuitTrialLease
{
    /// <summary>
    /// Takes the trial lease of <paramref name="provider"/>'s break <paramref name="breakId"/> for this replica. Must
    /// answer within a tight bound whatever the shared store does: when it cannot tell, the replica runs its own trial.
    /// </summary>
    ValueTask<TrialLeaseResult> TryAcquireAsync(string provider, string breakId, CancellationToken cancellationToken);
}

namespace SentinelOps.Gateway.Routing;

/// <summary>Thrown when no provider in the chain could answer.</summary>
public sealed class ProvidersExhaustedException : Exception
{
    /// <summary>Creates the exception from the failures, in the order the providers were tried.</summary>
    /// <param name="failures">Each provider's failure.</param>
    /// <param name="retryAfter">When a provider's circuit will next let a call through, if any will.</param>
    public ProvidersExhaustedException(IReadOnlyList<ProviderFailure> failures, TimeSpan? retryAfter = null)
        : base($"All {failures.Count} providers failed: " + string.Join("; ", failures.Select(f => $"{f.Provider}: {f.Error}")))
    {
        Failures = failures;
        RetryAfter = retryAfter;
    }

    /// <summary>How long until a provider's circuit lets a call through again, when known.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Each provider's failure, in the order tried.</summary>
    public IReadOnlyList<ProviderFailure> Failures { get; }
}

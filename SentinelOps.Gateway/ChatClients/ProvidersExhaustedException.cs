namespace SentinelOps.Gateway.ChatClients;

/// <summary>Thrown when no provider in the chain could answer.</summary>
public sealed class ProvidersExhaustedException : Exception
{
    /// <summary>Creates the exception from the failures, in the order the providers were tried.</summary>
    public ProvidersExhaustedException(IReadOnlyList<ProviderFailure> failures)
        : base($"All {failures.Count} providers failed: " + string.Join("; ", failures.Select(f => $"{f.Provider}: {f.Error}")))
    {
        Failures = failures;
    }

    /// <summary>Each provider's failure, in the order tried.</summary>
    public IReadOnlyList<ProviderFailure> Failures { get; }
}

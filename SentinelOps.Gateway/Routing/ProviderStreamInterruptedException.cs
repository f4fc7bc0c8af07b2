namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Thrown when a provider fails after its stream has started reaching the caller, and the answer was not (or could
/// not be) continued by another provider: the answer is incomplete, and since part of it was already delivered, it
/// cannot silently be replaced by another provider's.
/// </summary>
public sealed class ProviderStreamInterruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProviderStreamInterruptedException(ProviderFailure failure, Exception innerException)
        : base($"The stream from provider '{failure.Provider}' was interrupted: {failure.Error}", innerException)
    {
        Failure = failure;
        Failures = [failure];
    }

    /// <summary>Creates the exception for a stream no provider could continue.</summary>
    /// <param name="failure">The provider that stopped, and why.</param>
    /// <param name="innerException">What it threw.</param>
    /// <param name="failures">Every provider that failed this request, in order, the continuation's candidates included.</param>
    public ProviderStreamInterruptedException(ProviderFailure failure, Exception innerException, IReadOnlyList<ProviderFailure> failures)
        : base($"The stream from provider '{failure.Provider}' was interrupted: {failure.Error}; no provider could continue it", innerException)
    {
        Failure = failure;
        Failures = failures;
    }

    /// <summary>The provider and what went wrong.</summary>
    public ProviderFailure Failure { get; }

    /// <summary>The providers to count as failed: the one that stopped, and, when a continuation was tried, every provider that failed this request, in order.</summary>
    public IReadOnlyList<ProviderFailure> Failures { get; }
}

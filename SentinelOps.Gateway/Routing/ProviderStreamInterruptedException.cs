namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Thrown when a provider fails after its stream has started reaching the caller: the answer is incomplete and, since
/// part of it was already delivered, it cannot silently be replaced by another provider's.
/// </summary>
public sealed class ProviderStreamInterruptedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProviderStreamInterruptedException(ProviderFailure failure, Exception innerException)
        : base($"The stream from provider '{failure.Provider}' was interrupted: {failure.Error}", innerException)
    {
        Failure = failure;
    }

    /// <summary>The provider and what went wrong.</summary>
    public ProviderFailure Failure { get; }
}

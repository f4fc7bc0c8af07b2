namespace SentinelOps.Gateway.Routing;

/// <summary>Thrown when a provider refused the request itself (400, 422, …), which no other provider would accept either.</summary>
public sealed class ProviderRejectedRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">The provider, its status and a safe description.</param>
    /// <param name="innerException">The provider client's exception (may hold the provider's body; never shown to callers).</param>
    public ProviderRejectedRequestException(ProviderFailure failure, Exception innerException)
        : base($"Provider '{failure.Provider}' rejected the request: {failure.Error}", innerException)
    {
        Failure = failure;
    }

    /// <summary>The provider's answer.</summary>
    public ProviderFailure Failure { get; }
}

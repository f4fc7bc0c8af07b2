namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Thrown when an attempt still waiting for its provider's first token is given up because the provider's circuit was
/// isolated meanwhile (the monitor found it down): a provider failure, so the request moves on to the next provider
/// at once instead of waiting out a provider already known to be dead.
/// </summary>
public sealed class AttemptIsolatedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider whose attempt was given up.</param>
    public AttemptIsolatedException(string provider)
        : base("given up: circuit isolated while waiting for the first token")
    {
        Provider = provider;
    }

    /// <summary>The provider whose attempt was given up.</summary>
    public string Provider { get; }
}

namespace SentinelOps.Gateway.ChatClients;

/// <summary>Thrown instead of calling a provider whose circuit is open: no request was sent.</summary>
public sealed class CircuitOpenException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider whose circuit is open.</param>
    /// <param name="retryAfter">Time left in the break, if known.</param>
    public CircuitOpenException(string provider, TimeSpan? retryAfter)
        : base($"The circuit of provider '{provider}' is open" + (retryAfter is { } wait ? $"; retry in {Math.Ceiling(wait.TotalSeconds)} s." : "."))
    {
        Provider = provider;
        RetryAfter = retryAfter;
    }

    /// <summary>The provider whose circuit is open.</summary>
    public string Provider { get; }

    /// <summary>Time left in the break, if known (isolated circuits have none).</summary>
    public TimeSpan? RetryAfter { get; }
}

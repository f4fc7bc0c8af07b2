namespace SentinelOps.Gateway.ChatClients;

/// <summary>Thrown instead of calling a provider whose circuit is open: no request was sent.</summary>
public sealed class CircuitOpenException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider whose circuit is open.</param>
    /// <param name="retryAfter">Time left in the break, if known.</param>
    public CircuitOpenException(string provider, TimeSpan? retryAfter)
        : base($"Provider '{provider}' was not called: {Describe(retryAfter)}.")
    {
        Provider = provider;
        RetryAfter = retryAfter;
    }

    /// <summary>The provider whose circuit is open.</summary>
    public string Provider { get; }

    /// <summary>Time left in the break, if known (isolated circuits have none).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>How a refused call is reported: <c>circuit open (retry in 12 s)</c>, or <c>circuit isolated</c>.</summary>
    public static string Describe(TimeSpan? retryAfter) =>
        retryAfter is { } wait ? $"circuit open (retry in {Math.Ceiling(wait.TotalSeconds)} s)" : "circuit isolated";
}

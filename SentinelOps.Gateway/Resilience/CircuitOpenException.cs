namespace SentinelOps.Gateway.Resilience;

/// <summary>Thrown instead of calling a provider whose circuit refuses calls (open, isolated, half-open with its trial
/// in flight, or stalled with its trials in flight): no request was sent.</summary>
public sealed class CircuitOpenException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider that was not called.</param>
    /// <param name="retryAfter">Time left in the break, if the circuit is open.</param>
    /// <param name="reason">Why, as the breaker describes it (<c>circuit open (retry in 12 s)</c>, …).</param>
    public CircuitOpenException(string provider, TimeSpan? retryAfter, string reason)
        : base($"Provider '{provider}' was not called: {reason}.")
    {
        Provider = provider;
        RetryAfter = retryAfter;
        Reason = reason;
    }

    /// <summary>The provider that was not called.</summary>
    public string Provider { get; }

    /// <summary>Time left in the break, if the circuit is open.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Why the call was refused, in a few words.</summary>
    public string Reason { get; }
}

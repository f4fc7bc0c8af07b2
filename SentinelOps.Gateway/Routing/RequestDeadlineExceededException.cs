namespace SentinelOps.Gateway.Routing;

/// <summary>Thrown when a request's single deadline passed before any provider answered.</summary>
public sealed class RequestDeadlineExceededException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public RequestDeadlineExceededException(TimeSpan timeout, IReadOnlyList<ProviderFailure> failures)
        : base($"No provider answered within the request deadline of {timeout.TotalSeconds:0.###} s.")
    {
        Timeout = timeout;
        Failures = failures;
    }

    /// <summary>The deadline's length.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The providers that failed before the deadline, in order.</summary>
    public IReadOnlyList<ProviderFailure> Failures { get; }
}

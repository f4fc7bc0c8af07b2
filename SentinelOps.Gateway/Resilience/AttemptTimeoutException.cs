namespace SentinelOps.Gateway.Resilience;

/// <summary>Thrown when one attempt at a provider took longer than its timeout: a provider failure, not a cancellation.</summary>
public sealed class AttemptTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="timeout">The limit that passed.</param>
    /// <param name="waitingForFirstToken">Whether it was the time-to-first-token limit of a stream.</param>
    public AttemptTimeoutException(TimeSpan timeout, bool waitingForFirstToken)
        : base(waitingForFirstToken
            ? $"no first token within {timeout.TotalSeconds:0.###} s"
            : $"no response within {timeout.TotalSeconds:0.###} s")
    {
        Timeout = timeout;
    }

    /// <summary>The limit that passed.</summary>
    public TimeSpan Timeout { get; }
}

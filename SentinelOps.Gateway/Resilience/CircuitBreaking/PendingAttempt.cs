namespace SentinelOps.Gateway.Resilience.CircuitBreaking;

/// <summary>One attempt let through a <see cref="CircuitBreaker"/>, from its permit until it receives its first token
/// or ends. Its node in <see cref="PendingAttemptList"/>.</summary>
/// <remarks>Owned by the breaker; read and written only under its lock.</remarks>
internal sealed class PendingAttempt(long startedAt)
{
    /// <summary>When the attempt was let through (a <see cref="TimeProvider"/> timestamp).</summary>
    public long StartedAt { get; } = startedAt;

    /// <summary>Whether the provider has answered it: a first token, a complete response or a refusal.</summary>
    public bool Answered { get; set; }

    /// <summary>Whether its first token came after the slow-call threshold.</summary>
    public bool Slow { get; set; }

    /// <summary>Whether it has been counted (success, failure or abandoned); later reports are ignored.</summary>
    public bool Finished { get; set; }

    internal PendingAttempt? Previous { get; set; }

    internal PendingAttempt? Next { get; set; }

    internal bool Listed { get; set; }
}

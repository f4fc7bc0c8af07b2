namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Thrown when a provider's stream ends without a single event: an OpenAI-compatible server that ignored
/// <c>stream: true</c> and sent something else, or a body that is not a stream at all. A provider failure, never an
/// empty answer (a real empty answer still sends its role and finish reason).
/// </summary>
public sealed class MalformedResponseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MalformedResponseException()
        : base("malformed response: the stream ended without any event")
    {
    }
}

namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Thrown when a request failed before any byte of it was sent to the provider: the gateway, Microsoft.Extensions.AI
/// or the provider SDK could not build the provider's request from it (a schema, URI or value they refuse). The
/// request's fault: answered with 400, never retried, never failed over, and no verdict on any provider.
/// </summary>
public sealed class UnsendableRequestException : Exception
{
    private const int MaxReasonLength = 300;

    /// <summary>Creates the exception.</summary>
    /// <param name="provider">The provider whose request could not be built.</param>
    /// <param name="innerException">What failed while building it.</param>
    public UnsendableRequestException(string provider, Exception innerException)
        : base($"The request could not be sent to provider '{provider}': {Reason(innerException)}", innerException)
    {
        Provider = provider;
    }

    /// <summary>The provider whose request could not be built.</summary>
    public string Provider { get; }

    // The inner message describes the request's own content (a path in a schema, a URI it could not parse) and never
    // a key: nothing was sent, so no header or provider answer exists yet. Kept to one short line.
    private static string Reason(Exception exception)
    {
        var message = exception.Message.ReplaceLineEndings(" ");
        return message.Length <= MaxReasonLength ? message : string.Concat(message.AsSpan(0, MaxReasonLength), "…");
    }
}

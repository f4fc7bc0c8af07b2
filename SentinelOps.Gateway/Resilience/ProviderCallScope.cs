namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// One attempt's call to a provider, as seen from inside it: whether its HTTP request has been handed to the
/// transport yet. A failure before that point happened in the gateway (or in the provider SDK's translation of the
/// request), so it is the request's fault, never the provider's.
/// </summary>
/// <remarks>
/// Flows through <see cref="AsyncLocal{T}"/> from the circuit breaker, which begins the scope, to
/// <see cref="ProviderRequestSentHandler"/> on the provider's <see cref="HttpClient"/>, which marks it; the SDK in
/// between need not know. Calls outside a scope (the monitor's probes) mark nothing.
/// </remarks>
public sealed class ProviderCallScope
{
    private static readonly AsyncLocal<ProviderCallScope?> CurrentScope = new();

    private volatile bool _requestSent;
    private HttpResponseMessage? _response;
    private int _aborted;

    private ProviderCallScope()
    {
    }

    /// <summary>Whether the HTTP request reached the transport: from then on, what fails is the provider's doing.</summary>
    public bool RequestSent => _requestSent;

    /// <summary>Starts the scope of one provider call on the current async flow.</summary>
    public static ProviderCallScope Begin()
    {
        var scope = new ProviderCallScope();
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>
    /// Ends the call's HTTP exchange now, so a read of the response body blocked on a silent provider fails at once: a
    /// client that does not observe cancellation while it reads (OllamaSharp reads lines without the token) would
    /// otherwise wait for the provider for ever. Idempotent; a response that arrives afterwards is ended on arrival.
    /// </summary>
    public void AbortResponse()
    {
        if (Interlocked.Exchange(ref _aborted, 1) == 0)
        {
            Volatile.Read(ref _response)?.Dispose();
        }
    }

    /// <summary>Records the current call's response (no-op outside a scope), so <see cref="AbortResponse"/> can end it.</summary>
    internal static void ResponseReceived(HttpResponseMessage response)
    {
        if (CurrentScope.Value is not { } scope)
        {
            return;
        }

        Volatile.Write(ref scope._response, response);
        if (Volatile.Read(ref scope._aborted) == 1)
        {
            response.Dispose();
        }
    }

    /// <summary>Marks the current call's request as sent (no-op outside a scope).</summary>
    internal static void MarkRequestSent()
    {
        if (CurrentScope.Value is { } scope)
        {
            scope._requestSent = true;
        }
    }
}

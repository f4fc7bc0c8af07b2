namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// The innermost handler of the provider <see cref="HttpClient"/>: marks the <see cref="ProviderCallScope"/> as sent
/// once the request is complete and handed to the transport, and records the response so the scope can end it.
/// </summary>
public sealed class ProviderRequestSentHandler : DelegatingHandler
{
    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A body the SDK serializes lazily is written when its length is first asked for: asking here makes a body
        // that cannot be written fail before the request counts as sent (the length is cached, so nothing is done twice).
        _ = request.Content?.Headers.ContentLength;
        ProviderCallScope.MarkRequestSent();
        var response = await base.SendAsync(request, cancellationToken);
        ProviderCallScope.ResponseReceived(response);
        return response;
    }
}

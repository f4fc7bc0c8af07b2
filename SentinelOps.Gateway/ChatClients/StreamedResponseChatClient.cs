using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.ChatClients;

/// <summary>
/// Makes every non-streaming request to the provider as a stream and assembles the answer
/// (<see cref="ChatResponseExtensions.ToChatResponseAsync(IAsyncEnumerable{ChatResponseUpdate}, CancellationToken)"/>),
/// so the layers below see its first token: a hung provider is then caught at the time-to-first-token limit and by
/// slow-call accounting, not only when the whole-answer limit passes. The whole answer keeps its own limit.
/// </summary>
/// <remarks>
/// Both protocols stream the same answer they would send whole, usage and finish reason included (the OpenAI client
/// asks for the final usage chunk with <c>stream_options.include_usage</c>; Ollama's last line carries its counts).
/// Exceeding <see cref="AttemptTimeoutOptions.Attempt"/> throws <see cref="AttemptTimeoutException"/>, a provider
/// failure that moves the request on; the caller's own cancellation stays an <see cref="OperationCanceledException"/>.
/// The breaker below sees this limit as its caller giving up: an answer already flowing is no verdict on the
/// provider, one that never started had stalled and counts. Streaming requests pass through untouched.
/// </remarks>
public sealed class StreamedResponseChatClient : DelegatingChatClient
{
    private readonly AttemptTimeoutOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the middleware.</summary>
    public StreamedResponseChatClient(IChatClient innerClient, AttemptTimeoutOptions options, TimeProvider timeProvider)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var timeout = new CancellationTokenSource(_options.Attempt, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await base.GetStreamingResponseAsync(messages, options, linked.Token).ToChatResponseAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AttemptTimeoutException(_options.Attempt, waitingForFirstToken: false);
        }
    }
}

using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Makes every non-streaming request to the provider as a stream and assembles the answer
/// (<see cref="ChatResponseExtensions.ToChatResponseAsync(IAsyncEnumerable{ChatResponseUpdate}, CancellationToken)"/>),
/// so the layers below see its first token: a hung provider is then caught at the time-to-first-token limit and by
/// slow-call accounting, not only when the whole-answer limit passes. The whole answer keeps its own limit.
/// </summary>
/// <remarks>
/// Both protocols stream the same answer they would send whole, usage and finish reason included (the OpenAI client
/// asks for the final usage chunk with <c>stream_options.include_usage</c>; Ollama's last line carries its counts).
/// An answer still coming when <see cref="AttemptTimeoutOptions.Attempt"/> has passed since the call began throws
/// <see cref="AttemptTimeoutException"/>, a provider failure that moves the request on; the caller's own cancellation
/// stays an <see cref="OperationCanceledException"/>. The breaker below sees this cut as its caller giving up, which
/// for an answer already flowing is no verdict on the provider; the wait for the first content is bounded below the
/// breaker (<see cref="AttemptTimeoutChatClient"/>), so a hang always counts; so is a stall after the first token
/// (<see cref="CircuitBreakerChatClient"/>'s inter-chunk limit, <see cref="StreamStalledException"/>), which ends the
/// attempt long before this limit and lets the request start again, whole, on the next provider. Streaming requests
/// pass through untouched.
/// </remarks>
public sealed class StreamedResponseChatClient : DelegatingChatClient
{
    // A short answer's updates (role, a few text chunks, finish reason, usage) fit without the list growing.
    private const int ExpectedUpdates = 8;

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
        // The whole-answer limit is armed by the first content, for what is left of it: until then the first-token
        // limit below decides, inside the circuit breaker, so a hang always counts against the provider.
        var started = _timeProvider.GetTimestamp();
        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
        using var callerGaveUp = CancellationSources.CancelWith(cancellationToken, timeout);
        var updates = new List<ChatResponseUpdate>(ExpectedUpdates);
        try
        {
            var armed = false;
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, timeout.Token).WithCancellation(timeout.Token))
            {
                if (!armed && update.HasContent())
                {
                    armed = true;
                    FirstTokenSignal.Raise(); // a hedged race is decided by the first content
                    var left = _options.Attempt - _timeProvider.GetElapsedTime(started);
                    timeout.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
                }

                updates.Add(update);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AttemptTimeoutException(_options.Attempt, waitingForFirstToken: false);
        }

        return updates.ToChatResponse();
    }
}

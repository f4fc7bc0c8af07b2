using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Bounds one attempt at a provider: the whole call when not streaming, the time to the first content when streaming
/// (<see cref="AttemptTimeoutOptions.TimeToFirstToken"/>, or <see cref="AttemptTimeoutOptions.Attempt"/> if shorter).
/// Exceeding it throws <see cref="AttemptTimeoutException"/>, which the layers above treat as a provider failure.
/// </summary>
/// <remarks>The caller's own cancellation still surfaces as <see cref="OperationCanceledException"/>.</remarks>
public sealed class AttemptTimeoutChatClient : DelegatingChatClient
{
    private readonly AttemptTimeoutOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the middleware.</summary>
    public AttemptTimeoutChatClient(IChatClient innerClient, AttemptTimeoutOptions options, TimeProvider timeProvider)
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
        using var callerGaveUp = CancellationSources.CancelWith(cancellationToken, timeout);
        try
        {
            return await base.GetResponseAsync(messages, options, timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AttemptTimeoutException(_options.Attempt, waitingForFirstToken: false);
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A first token may not take longer than a whole answer may.
        var limit = _options.Attempt < _options.TimeToFirstToken ? _options.Attempt : _options.TimeToFirstToken;
        using var timeout = new CancellationTokenSource(limit, _timeProvider);
        using var callerGaveUp = CancellationSources.CancelWith(cancellationToken, timeout);
        var enumerator = base.GetStreamingResponseAsync(messages, options, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var waitingForFirstToken = true;
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        yield break;
                    }
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new AttemptTimeoutException(limit, waitingForFirstToken: true);
                }

                if (waitingForFirstToken && enumerator.Current.HasContent())
                {
                    // The first token arrived: from here the stream may take as long as it needs.
                    waitingForFirstToken = false;
                    timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                }

                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

}

using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Relays a committed stream (content has reached the caller) and, when its provider stalls or breaks mid-answer,
/// asks the next healthy provider to continue the answer where it stopped, in the same stream.
/// </summary>
/// <remarks>
/// <para>The next provider is sent <see cref="ContinuationPrompt"/>: the original messages, the text delivered so
/// far as the assistant's message, and an instruction to continue it. Candidates are the failover's (open circuits
/// skipped), minus every provider this request already tried; each is tried once, and the request deadline bounds the
/// wait for a continuation's first content. When none can continue, the stream ends with
/// <see cref="ProviderStreamInterruptedException"/>, as without continuation.</para>
/// <para>Tool calls are never spliced. A tool call reaches the caller only whole: Microsoft.Extensions.AI's OpenAI
/// client holds its fragments back and emits the call once the provider's stream has ended (OllamaSharp receives it
/// whole), and the OpenAI endpoint never forwards the fragments' raw chunks. A stream that breaks inside a tool call
/// before any content went out is failed over whole by the failover client; one that breaks after a tool call went out
/// is not continued (<see cref="DeliveredAnswer.CanContinue"/>).</para>
/// <para>Thread-safe; per-stream state lives in the relay's own iteration.</para>
/// </remarks>
internal sealed partial class StreamContinuation
{
    private readonly HealthyOrPanicProviderPolicy _candidates;
    private readonly StreamOpener _open;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the relay over the failover client's candidates and way of opening a stream.</summary>
    public StreamContinuation(HealthyOrPanicProviderPolicy candidates, StreamOpener open, TimeSpan requestTimeout, TimeProvider timeProvider, ILogger logger)
    {
        _candidates = candidates;
        _open = open;
        _requestTimeout = requestTimeout;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Relays <paramref name="stream"/> (already read up to its first content, <paramref name="opening"/>) to the caller,
    /// continuing it on the next providers if it breaks. Takes ownership of the stream.
    /// </summary>
    /// <param name="provider">The provider the stream is committed to.</param>
    /// <param name="stream">Its stream.</param>
    /// <param name="opening">What it sent up to its first content; the first carries the request's routing.</param>
    /// <param name="messages">The request's messages.</param>
    /// <param name="options">The request's options.</param>
    /// <param name="failures">The providers that failed before the stream was committed (the routing already sent holds
    /// its own copy); a break and its continuation's failures are added to it.</param>
    /// <param name="request">The request's source: cancelled by the caller, or by the deadline while a continuation opens.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public async IAsyncEnumerable<ChatResponseUpdate> RelayAsync(
        ProviderClient provider,
        IAsyncEnumerator<ChatResponseUpdate> stream,
        List<ChatResponseUpdate> opening,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        List<ProviderFailure> failures,
        CancellationTokenSource request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var answer = new DeliveredAnswer();
        IAsyncEnumerator<ChatResponseUpdate>? current = stream;
        try
        {
            while (true)
            {
                foreach (var update in opening)
                {
                    if (answer.Relay(update))
                    {
                        yield return update;
                    }
                }

                Exception? broke = null;
                while (true)
                {
                    try
                    {
                        if (!await current.MoveNextAsync())
                        {
                            yield break;
                        }
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException && request.IsCancellationRequested))
                    {
                        broke = ex;
                    }

                    if (broke is not null)
                    {
                        break;
                    }

                    if (answer.Relay(current.Current))
                    {
                        yield return current.Current;
                    }
                }

                var failure = ProviderFailure.From(provider.Name, broke!);
                await current.DisposeAsync();
                current = null;
                if (!answer.CanContinue)
                {
                    LogNotContinued(provider.Name, failure.Error, answer.WhyNot);
                    throw new ProviderStreamInterruptedException(failure, broke!);
                }

                failures.Add(failure with { Error = "mid-stream: " + failure.Error });
                var after = provider.Name;
                (provider, current, opening) = await ContinueAsync(after, answer, messages, options, failures, request, cancellationToken)
                    ?? throw new ProviderStreamInterruptedException(failure, broke!, failures);
                answer.ContinueWith(new StreamContinued(provider.Name, after, StreamContinued.ReasonFor(broke!)), new ProviderRouting(provider.Name, [.. failures]));
            }
        }
        finally
        {
            if (current is not null)
            {
                await current.DisposeAsync();
            }
        }
    }

    // Tries each provider this request has not tried yet, under a fresh request deadline, until one sends content.
    // Failures are added to the chain; null when none could continue.
    private async Task<(ProviderClient, IAsyncEnumerator<ChatResponseUpdate>, List<ChatResponseUpdate>)?> ContinueAsync(
        string after,
        DeliveredAnswer answer,
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        List<ProviderFailure> chain,
        CancellationTokenSource request,
        CancellationToken cancellationToken)
    {
        var prompt = ContinuationPrompt.Build(messages, answer.Text);
        var tried = new HashSet<string>(StringComparer.Ordinal) { after };
        foreach (var earlier in chain)
        {
            tried.Add(earlier.Provider);
        }

        var skipped = new List<ProviderFailure>();
        request.CancelAfter(_requestTimeout);
        RequestDeadline.Enter(_timeProvider.GetUtcNow() + _requestTimeout);
        foreach (var candidate in _candidates.Candidates(skipped))
        {
            if (!tried.Add(candidate.Name))
            {
                continue;
            }

            LogContinuing(after, candidate.Name);
            try
            {
                var (stream, opening, failure) = await _open(candidate, prompt, options, request.Token);
                if (failure is null)
                {
                    request.CancelAfter(Timeout.InfiniteTimeSpan);
                    return (candidate, stream!, opening);
                }

                chain.Add(failure);
            }
            catch (ProviderRejectedRequestException rejected)
            {
                chain.Add(rejected.Failure);
            }
            catch (UnsendableRequestException unsendable)
            {
                chain.Add(ProviderFailure.From(candidate.Name, unsendable));
            }
            catch (OperationCanceledException) when (request.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                chain.Add(new ProviderFailure(candidate.Name, $"no content within the request deadline ({_requestTimeout.TotalSeconds:0.#} s)", StatusCode: null));
                break;
            }
        }

        // Circuits found refusing are part of the story, unless the provider is already in it.
        foreach (var skip in skipped)
        {
            if (!chain.Exists(f => f.Provider == skip.Provider))
            {
                chain.Add(skip);
            }
        }

        LogContinuationFailed(after, string.Join("; ", chain.Select(f => $"{f.Provider}: {f.Error}")));
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream from provider {Provider} interrupted mid-answer; asking {Next} to continue it")]
    private partial void LogContinuing(string provider, string next);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream from provider {Provider} interrupted mid-answer ({Error}); not continued: {Reason}")]
    private partial void LogNotContinued(string provider, string error, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream from provider {Provider} interrupted mid-answer; no provider could continue it ({Failures})")]
    private partial void LogContinuationFailed(string provider, string failures);
}

using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Routing;

namespace SentinelOps.Gateway.Metrics;

/// <summary>
/// The outermost layer of the gateway's chat client: it observes how each request ends (who answered, which providers
/// failed first, how long it took) and reports it to <see cref="RequestOutcomeRecorder"/>. It changes nothing.
/// </summary>
/// <remarks>
/// Both chat endpoints go through it, so <c>/api/chat</c> and <c>/v1/chat/completions</c> (JSON and streaming) are
/// counted alike. A stream is counted when it ends: normally, with an error, or abandoned by its consumer (cancelled);
/// a stream continued by another provider mid-answer is counted as answered by that provider, after a failover.
/// </remarks>
public sealed class RequestMetricsChatClient(IChatClient innerClient, RequestOutcomeRecorder recorder, TimeProvider timeProvider)
    : DelegatingChatClient(innerClient)
{
    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex)
        {
            recorder.Failed(ex, timeProvider.GetElapsedTime(started), IsCancellation(ex, cancellationToken));
            throw;
        }

        recorder.Succeeded(ProviderRouting.From(response.AdditionalProperties), timeProvider.GetElapsedTime(started));
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetTimestamp();
        ProviderRouting? routing = null;
        var finished = false;

        // Hand-rolled enumeration: a yield cannot sit inside a try with a catch.
        var enumerator = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception ex)
                {
                    finished = true;
                    recorder.Failed(ex, timeProvider.GetElapsedTime(started), IsCancellation(ex, cancellationToken));
                    throw;
                }

                // The last routing wins: a stream continued by another provider says so on the continuation's first update.
                if (enumerator.Current.AdditionalProperties is { } properties && ProviderRouting.From(properties) is { } latest)
                {
                    routing = latest;
                }

                yield return enumerator.Current;
            }

            finished = true;
            recorder.Succeeded(routing, timeProvider.GetElapsedTime(started));
        }
        finally
        {
            if (!finished)
            {
                // The consumer stopped reading before the end: the client went away.
                recorder.Failed(new OperationCanceledException(), timeProvider.GetElapsedTime(started), cancelled: true);
            }

            await enumerator.DisposeAsync();
        }
    }

    private static bool IsCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;
}

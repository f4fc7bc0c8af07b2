using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience;

namespace SentinelOps.Gateway.Routing.Drift;

/// <summary>
/// Reports each attempt on one provider to its <see cref="ProviderDriftState"/>: the time to its first token (or to
/// its whole answer) when it succeeds, a failure when the provider is to blame.
/// </summary>
/// <remarks>
/// Sits just outside the circuit breaker, so it sees the breaker's own verdicts as exceptions: a refused call
/// (<see cref="CircuitOpenException"/>), a request that never left (<see cref="UnsendableRequestException"/>), one the
/// provider rejected as invalid, an attempt given up because the monitor isolated the provider, and the caller or the
/// request deadline cancelling are no verdict on the provider's drift. A stream abandoned by its reader is none either.
/// </remarks>
public sealed class DriftTrackingChatClient : DelegatingChatClient
{
    private readonly ProviderDriftState _drift;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the middleware over <paramref name="innerClient"/>, reporting to <paramref name="drift"/>.</summary>
    public DriftTrackingChatClient(IChatClient innerClient, ProviderDriftState drift, TimeProvider timeProvider)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(drift);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _drift = drift;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = _timeProvider.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            _drift.RecordSuccess(_timeProvider.GetElapsedTime(started));
            return response;
        }
        catch (Exception ex) when (IsProviderFault(ex, cancellationToken))
        {
            _drift.RecordFailure();
            throw;
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = _timeProvider.GetTimestamp();
        TimeSpan? firstToken = null;
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (IsProviderFault(ex, cancellationToken))
        {
            _drift.RecordFailure();
            throw;
        }

        // Errors can't be caught around a yield: only MoveNextAsync is wrapped (M.E.AI's LoggingChatClient shape).
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
                catch (Exception ex) when (IsProviderFault(ex, cancellationToken))
                {
                    _drift.RecordFailure();
                    throw;
                }

                if (firstToken is null && enumerator.Current.HasContent())
                {
                    firstToken = _timeProvider.GetElapsedTime(started);
                }

                yield return enumerator.Current;
            }

            _drift.RecordSuccess(firstToken ?? _timeProvider.GetElapsedTime(started));
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    // The classifier already calls an unsendable request the request's fault; a refused call and an isolated attempt
    // it counts as the provider's (failover moves on), yet they are the breaker's verdicts, not a new observation.
    private static bool IsProviderFault(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && exception is not (CircuitOpenException or AttemptIsolatedException)
        && ProviderErrorClassifier.Classify(exception) == ProviderErrorKind.ProviderFault;
}

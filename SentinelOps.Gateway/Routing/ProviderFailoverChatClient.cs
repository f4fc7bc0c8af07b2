using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// Sends each request to the providers in priority order until one answers, and records on the response which one
/// did and why the others did not (<see cref="ProviderRouting"/>).
/// </summary>
/// <remarks>
/// <para>A provider whose circuit refuses calls (open, isolated, or its one trial in flight) is skipped without a call.
/// When every circuit is open, the provider whose break ends soonest gets one real try before the request fails
/// (healthy-or-panic, as YARP does it), once per outage: concurrent requests share that one trial, and the others are
/// answered at once with a <c>Retry-After</c> that says when a retry can succeed.</para>
/// <para>The caller cancelling is never a provider failure; a request a provider rejected as invalid (400, 422, …) is
/// returned rather than tried elsewhere. One deadline bounds the whole request, retries and failovers included; for
/// a stream it bounds the time to its first content.</para>
/// <para>A stream is committed to a provider by its first content update: until then a failure moves on to the next
/// provider and nothing the failed one sent reaches the caller; after it, a failure is continued by the next provider
/// (<see cref="StreamContinuation"/>) when continuation is on, and otherwise ends the stream with
/// <see cref="ProviderStreamInterruptedException"/>.</para>
/// <para>With a <see cref="ProviderHedger"/> (<c>Gateway:Hedging:Enabled</c>), a provider slow to its first content is
/// raced against the next candidate until one sends content (<see cref="HedgedRace{T}"/>); without one, nothing of
/// hedging runs.</para>
/// <para>Thread-safe; holds no per-request state. Does not own the provider clients.</para>
/// </remarks>
public sealed partial class ProviderFailoverChatClient : IChatClient
{
    private readonly HealthyOrPanicProviderPolicy _candidates;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ProviderHedger? _hedger;
    private readonly StreamContinuation? _continuation;

    /// <summary>Creates a failover client over <paramref name="providers"/>, tried in the given order.</summary>
    /// <param name="providers">The providers, in priority order.</param>
    /// <param name="health">The writer of these providers' circuits, through which an early trial is started when every circuit refuses.</param>
    /// <param name="requestTimeout">The one deadline for a whole request.</param>
    /// <param name="timeProvider">Clock for the deadline and circuit decisions.</param>
    /// <param name="logger">Where failovers are logged.</param>
    /// <param name="strategy">The order in which each request tries the providers.</param>
    /// <param name="continueStreams">Whether a stream that fails mid-answer is continued by the next provider (<see cref="StreamingOptions.Continuation"/>).</param>
    /// <param name="hedger">Races a provider slow to its first token against the next (<see cref="HedgingOptions"/>); none: hedging is off.</param>
    public ProviderFailoverChatClient(
        IReadOnlyList<ProviderClient> providers,
        ProviderHealthUpdater health,
        TimeSpan requestTimeout,
        TimeProvider timeProvider,
        ILogger<ProviderFailoverChatClient>? logger = null,
        RoutingStrategy strategy = RoutingStrategy.Priority,
        bool continueStreams = false,
        ProviderHedger? hedger = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(requestTimeout, TimeSpan.Zero);
        if (providers.Count == 0)
        {
            throw new ArgumentException("At least one provider is required.", nameof(providers));
        }

        _requestTimeout = requestTimeout;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _candidates = new HealthyOrPanicProviderPolicy(providers, health, _logger, strategy);
        _hedger = hedger;
        _continuation = continueStreams ? new StreamContinuation(_candidates, OpenStreamAsync, requestTimeout, timeProvider, _logger) : null;
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var request = new CancellationTokenSource(_requestTimeout, _timeProvider);
        using var callerGaveUp = CancellationSources.CancelWith(cancellationToken, request);
        RequestDeadline.Enter(_timeProvider.GetUtcNow() + _requestTimeout);
        var failures = new List<ProviderFailure>();
        try
        {
            if (_hedger is { HedgesNonStreaming: true })
            {
                return await GetHedgedResponseAsync(messages, options, failures, request.Token);
            }

            foreach (var provider in _candidates.Candidates(failures))
            {
                try
                {
                    var response = await provider.Client.GetResponseAsync(messages, options, request.Token);
                    (response.AdditionalProperties ??= [])[ProviderRouting.AdditionalPropertiesKey] = Routing(provider, failures);
                    return response;
                }
                catch (Exception ex) when (!IsCancellation(ex, request.Token))
                {
                    failures.Add(RecordFailureOrThrow(provider, ex));
                }
            }
        }
        catch (OperationCanceledException) when (request.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RequestDeadlineExceededException(_requestTimeout, failures);
        }

        throw Exhausted(failures);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var request = new CancellationTokenSource(_requestTimeout, _timeProvider);
        using var callerGaveUp = CancellationSources.CancelWith(cancellationToken, request);
        RequestDeadline.Enter(_timeProvider.GetUtcNow() + _requestTimeout);
        var failures = new List<ProviderFailure>();

        ProviderClient? provider = null;
        IAsyncEnumerator<ChatResponseUpdate>? stream = null;
        List<ChatResponseUpdate>? opening = null;
        var hedged = false;
        try
        {
            if (_hedger is not null)
            {
                using var candidates = _candidates.Candidates(failures).GetEnumerator();
                if (await _hedger.OpenStreamAsync(this, candidates, failures, messages, options, request.Token) is { } won)
                {
                    (provider, stream, opening, hedged) = (won.Provider, won.Result.Stream, won.Result.Opening, won.Hedged);
                }
            }
            else
            {
                foreach (var candidate in _candidates.Candidates(failures))
                {
                    (stream, opening, var failure) = await OpenStreamAsync(candidate, messages, options, request.Token);
                    if (failure is null)
                    {
                        provider = candidate;
                        break;
                    }

                    failures.Add(failure);
                }
            }
        }
        catch (OperationCanceledException) when (request.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RequestDeadlineExceededException(_requestTimeout, failures);
        }

        if (provider is null || stream is null || opening is null)
        {
            throw Exhausted(failures);
        }

        // Committed: the deadline covered the wait for the first content; the answer itself may take its time.
        request.CancelAfter(Timeout.InfiniteTimeSpan);
        (opening[0].AdditionalProperties ??= [])[ProviderRouting.AdditionalPropertiesKey] = Routing(provider, failures, hedged);
        if (_continuation is not null && !StreamContinuationSwitch.IsOffForCurrentRequest)
        {
            // The relay owns the stream from here, and has the next provider continue it if this one fails mid-answer.
            await foreach (var update in _continuation.RelayAsync(provider, stream, opening, messages, options, failures, request, cancellationToken))
            {
                yield return update;
            }

            yield break;
        }

        try
        {
            foreach (var update in opening)
            {
                yield return update;
            }

            while (await MoveNextOrThrowInterruptedAsync(provider, stream, request.Token))
            {
                yield return stream.Current;
            }
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The provider clients belong to the ProviderChain that created them.
    }

    private static bool IsCancellation(Exception exception, CancellationToken cancellationToken) =>
        exception is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private static ProviderRouting Routing(ProviderClient provider, List<ProviderFailure> failures, bool hedged = false) =>
        new(provider.Name, failures.Count == 0 ? [] : [.. failures]) { Hedged = hedged };

    private async Task<ChatResponse> GetHedgedResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, List<ProviderFailure> failures, CancellationToken cancellationToken)
    {
        using var candidates = _candidates.Candidates(failures).GetEnumerator();
        var won = await _hedger!.GetResponseAsync(this, candidates, failures, messages, options, cancellationToken) ?? throw Exhausted(failures);
        (won.Result.AdditionalProperties ??= [])[ProviderRouting.AdditionalPropertiesKey] = Routing(won.Provider, failures, won.Hedged);
        return won.Result;
    }

    // Opens a provider's stream and reads up to its first content update, so a failure before that point can still
    // fail over. Returns the stream and what it sent so far, or the provider's failure. Also one hedged attempt's work.
    internal async Task<(IAsyncEnumerator<ChatResponseUpdate>? Stream, List<ChatResponseUpdate> Opening, ProviderFailure? Failure)> OpenStreamAsync(
        ProviderClient provider, IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var opening = new List<ChatResponseUpdate>();
        IAsyncEnumerator<ChatResponseUpdate>? stream = null;
        try
        {
            stream = provider.Client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            while (await stream.MoveNextAsync())
            {
                opening.Add(stream.Current);
                if (stream.Current.HasContent())
                {
                    return (stream, opening, null);
                }
            }

            // The stream ended without content (an empty answer): still a complete answer from this provider.
            opening.Add(new ChatResponseUpdate { Role = ChatRole.Assistant });
            return (stream, opening, null);
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            return (null, opening, RecordFailureOrThrow(provider, ex));
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            throw;
        }
    }

    // Called for every update of a committed stream: a pooled builder, so an update that has to be awaited costs no box.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> MoveNextOrThrowInterruptedAsync(
        ProviderClient provider, IAsyncEnumerator<ChatResponseUpdate> stream, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.MoveNextAsync();
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            var failure = ProviderFailure.From(provider.Name, ex);
            LogStreamInterrupted(provider.Name, failure.Error);
            throw new ProviderStreamInterruptedException(failure, ex);
        }
    }

    private ProvidersExhaustedException Exhausted(List<ProviderFailure> failures) => new(failures, _candidates.RetryAfter());

    // A provider fault is recorded so the next provider can be tried. The request's own faults end it: one the
    // provider rejected as invalid would be rejected everywhere (naming the provider), and one that could not even be
    // sent is the request's alone.
    internal ProviderFailure RecordFailureOrThrow(ProviderClient provider, Exception exception)
    {
        var failure = ProviderFailure.From(provider.Name, exception);
        switch (ProviderErrorClassifier.Classify(exception))
        {
            case ProviderErrorKind.RequestUnsendable:
                LogRequestUnsendable(provider.Name, failure.Error);
                ExceptionDispatchInfo.Throw(exception);
                break;
            case ProviderErrorKind.RequestRejected:
                LogRequestRejected(provider.Name, failure.Error);
                throw new ProviderRejectedRequestException(failure, exception);
        }

        LogProviderFailed(provider.Name, failure.Error);
        return failure;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} rejected the request ({Error}); not failing over")]
    private partial void LogRequestRejected(string provider, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "The request could not be sent to provider {Provider} ({Error}); answered as invalid, not failing over")]
    private partial void LogRequestUnsendable(string provider, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} failed ({Error}); trying the next provider")]
    private partial void LogProviderFailed(string provider, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream from provider {Provider} interrupted after it had started ({Error})")]
    private partial void LogStreamInterrupted(string provider, string error);
}

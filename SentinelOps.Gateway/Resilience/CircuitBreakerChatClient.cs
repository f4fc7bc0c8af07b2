using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Lets calls reach the provider only while its <see cref="CircuitBreaker"/> permits, and reports each call's first
/// token and outcome through <see cref="ProviderHealthUpdater"/>, the one writer of provider health (the passive half).
/// </summary>
/// <remarks>
/// <para>A refused call throws <see cref="CircuitOpenException"/> without touching the network. A request the
/// provider rejected as invalid (400, 422, …) is no verdict on it. The caller cancelling is no verdict either, unless
/// the call had already waited past the slow-call threshold without a first token: then the provider had stalled
/// (the breaker decides). A stream counts as a success only once it has completed.</para>
/// <para>A trial (half-open, or let through while the provider is stalled) that receives no first token within its
/// <see cref="CircuitPermit.TrialTimeToFirstToken"/> is given up with <see cref="AttemptTimeoutException"/>: a failed
/// trial, and the caller moves on to the next provider instead of waiting out a hang. Streaming calls only; a
/// non-streaming call has no first token to wait for.</para>
/// <para>A call still waiting for its first token (or, not streaming, for its response) when the circuit is isolated
/// — the monitor found the provider down — is given up with <see cref="AttemptIsolatedException"/>, so its caller
/// moves on at once rather than waiting out a provider known to be dead. An answer already flowing is left alone.</para>
/// <para>After the first token, a stream that waits longer than <see cref="CircuitPermit.InterChunkLimit"/> for its
/// next chunk (<see cref="ChatResponseUpdateExtensions.IsProgress"/>) has stalled: the attempt is cancelled there and
/// <see cref="StreamStalledException"/> thrown, a failure; a caller giving up past the limit counts it the same. The
/// limit runs only while this layer waits on the provider, never while its caller holds an update. Each successful
/// stream's longest wait is reported, so the limit follows the provider's pace.</para>
/// <para>A stream that ends without a single event is a <see cref="MalformedResponseException"/>, a failure: a server
/// that ignored <c>stream: true</c> (or sent no stream at all) must not pass for an empty answer.</para>
/// </remarks>
public sealed class CircuitBreakerChatClient : DelegatingChatClient
{
    // A timer set for no time at all would cancel at once, before the provider had any chance: the least wait left.
    private static readonly TimeSpan MinimumTimerDelay = TimeSpan.FromMilliseconds(1);

    private readonly ProviderHealthUpdater _health;
    private readonly CircuitBreaker _breaker;
    private readonly TimeProvider _timeProvider;

    /// <summary>
    /// Creates the middleware over <paramref name="innerClient"/>, guarded by <paramref name="breaker"/>; outcomes are
    /// reported through <paramref name="health"/>, which must be that circuit's writer.
    /// </summary>
    public CircuitBreakerChatClient(IChatClient innerClient, ProviderHealthUpdater health, CircuitBreaker breaker, TimeProvider timeProvider)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(health);
        ArgumentNullException.ThrowIfNull(breaker);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!health.Writes(breaker))
        {
            throw new ArgumentException($"The circuit of {breaker.Provider} is not written by this {nameof(ProviderHealthUpdater)}.", nameof(health));
        }

        _health = health;
        _breaker = breaker;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var permit = await EnterAsync(cancellationToken);
        var started = _timeProvider.GetTimestamp();
        var call = ProviderCallScope.Begin();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var isolation = GiveUpOnIsolation(permit, attempt);
        try
        {
            var response = await base.GetResponseAsync(messages, options, attempt.Token);
            _health.CallSucceeded(_breaker, permit, _timeProvider.GetElapsedTime(started));
            return response;
        }
        catch (Exception) when (permit.Isolation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _health.CallAbandoned(_breaker, permit);
            throw new AttemptIsolatedException(_breaker.Provider);
        }
        catch (Exception ex) when (IsUnsent(call, ex))
        {
            throw NotAVerdict(permit, ex);
        }
        catch (Exception ex)
        {
            Report(permit, ex, cancellationToken);
            throw;
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var permit = await EnterAsync(cancellationToken);
        var started = _timeProvider.GetTimestamp();
        TimeSpan? timeToFirstToken = null;
        var completed = false;
        var received = false;

        // Only trials get a timer before their first token: the ordinary path stays as cheap as it was.
        using var trialLimit = permit.TrialTimeToFirstToken is { } limit ? new CancellationTokenSource(limit, _timeProvider) : null;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, trialLimit?.Token ?? CancellationToken.None);
        var isolation = GiveUpOnIsolation(permit, attempt);
        var token = attempt.Token;
        var call = ProviderCallScope.Begin();
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = base.GetStreamingResponseAsync(messages, options, token).GetAsyncEnumerator(token);
        }
        catch (Exception ex) when (IsUnsent(call, ex))
        {
            isolation.Dispose();
            throw NotAVerdict(permit, ex);
        }
        catch (Exception ex)
        {
            isolation.Dispose();
            Report(permit, ex, cancellationToken);
            throw;
        }

        // After the first token, one timer for the whole stream (made at its first wait). It runs only while this layer
        // waits on the provider, never while the caller holds an update, so a slow reader is never taken for a stalled
        // provider; `silent` is the silence since the last chunk, counted that way. At the limit it cancels the attempt
        // and ends the HTTP exchange (ProviderCallScope.AbortResponse).
        CancellationTokenSource? interChunkLimit = null;
        CancellationTokenRegistration interChunkLink = default;
        var armed = false;
        long armedAt = 0;
        var silent = TimeSpan.Zero;
        var longestGap = TimeSpan.Zero;
        try
        {
            while (true)
            {
                try
                {
                    if (timeToFirstToken is not null)
                    {
                        // Armed before asking: a client may block in the call itself (OllamaSharp's line reader does).
                        armed = true;
                        armedAt = _timeProvider.GetTimestamp();
                        var left = permit.InterChunkLimit - silent;
                        left = left > MinimumTimerDelay ? left : MinimumTimerDelay;
                        if (interChunkLimit is null)
                        {
                            interChunkLimit = new CancellationTokenSource(left, _timeProvider);
                            interChunkLink = interChunkLimit.Token.UnsafeRegister(static state => CutStalledAttempt(state!), (attempt, call));
                        }
                        else
                        {
                            interChunkLimit.CancelAfter(left);
                        }
                    }

                    if (!await enumerator.MoveNextAsync())
                    {
                        break;
                    }
                }
                catch (Exception) when (timeToFirstToken is null && permit.Isolation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    _health.CallAbandoned(_breaker, permit);
                    completed = true;
                    throw new AttemptIsolatedException(_breaker.Provider);
                }
                catch (OperationCanceledException) when (trialLimit is { IsCancellationRequested: true } && timeToFirstToken is null && !cancellationToken.IsCancellationRequested)
                {
                    _health.CallFailed(_breaker, permit);
                    completed = true;
                    throw new AttemptTimeoutException(permit.TrialTimeToFirstToken!.Value, waitingForFirstToken: true);
                }
                catch (Exception) when (interChunkLimit is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
                {
                    // Silent past the limit after the first token: the provider stalled, and the attempt ends here.
                    _health.StreamStalled(_breaker, permit, Silence(silent, armed, armedAt));
                    completed = true;
                    throw new StreamStalledException(permit.InterChunkLimit);
                }
                catch (Exception) when (armed && cancellationToken.IsCancellationRequested && Silence(silent, armed, armedAt) >= permit.InterChunkLimit)
                {
                    // The caller gave up after the stream had stalled: still a stall. The caller keeps its cancellation.
                    _health.StreamStalled(_breaker, permit, Silence(silent, armed, armedAt));
                    completed = true;
                    throw;
                }
                catch (Exception ex) when (!received && IsUnsent(call, ex))
                {
                    completed = true;
                    throw NotAVerdict(permit, ex);
                }
                catch (Exception ex)
                {
                    Report(permit, ex, cancellationToken);
                    completed = true;
                    throw;
                }

                received = true;
                var update = enumerator.Current;
                if (armed)
                {
                    armed = false;
                    interChunkLimit!.CancelAfter(Timeout.InfiniteTimeSpan);
                    silent += _timeProvider.GetElapsedTime(armedAt);
                }

                if (timeToFirstToken is null)
                {
                    if (update.HasContent())
                    {
                        timeToFirstToken = _timeProvider.GetElapsedTime(started);
                        _health.FirstTokenArrived(_breaker, permit);
                        trialLimit?.CancelAfter(Timeout.InfiniteTimeSpan);
                        isolation.Dispose(); // the answer is flowing: isolation no longer cuts it
                    }
                }
                else if (update.IsProgress())
                {
                    // A chunk ends the silence; updates that are no progress (usage, a finish reason) do not.
                    longestGap = silent > longestGap ? silent : longestGap;
                    silent = TimeSpan.Zero;
                }

                yield return update;
            }

            completed = true;
            if (!received)
            {
                _health.CallFailed(_breaker, permit);
                throw new MalformedResponseException();
            }

            if (interChunkLimit is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
            {
                // Cut at the limit, yet ended as if complete: a client that checks its token only between reads stops
                // quietly (OllamaSharp does). The answer is incomplete: a stall, not a success.
                _health.StreamStalled(_breaker, permit, Silence(silent, armed, armedAt));
                throw new StreamStalledException(permit.InterChunkLimit);
            }

            if (armed)
            {
                // The wait for the stream's end counts as a gap too: a provider may pause before it finishes.
                silent += _timeProvider.GetElapsedTime(armedAt);
            }

            longestGap = silent > longestGap ? silent : longestGap;
            _health.CallSucceeded(_breaker, permit, timeToFirstToken ?? _timeProvider.GetElapsedTime(started), timeToFirstToken is null ? null : longestGap);
        }
        finally
        {
            isolation.Dispose();
            interChunkLink.Dispose(); // so the timer never cancels the attempt's source once that is disposed
            interChunkLimit?.Dispose();
            if (!completed)
            {
                // The consumer stopped reading early: the breaker decides whether it had waited long enough to be a stall.
                _health.CallAbandoned(_breaker, permit);
            }

            await enumerator.DisposeAsync();
        }
    }

    // The inter-chunk limit passed: cancel the attempt, and end its HTTP exchange for clients that do not observe the
    // token while they read.
    private static void CutStalledAttempt(object state)
    {
        var (attempt, call) = ((CancellationTokenSource, ProviderCallScope))state;
        attempt.Cancel();
        call.AbortResponse();
    }

    // How long a stream has been silent since its last chunk, counting only the time spent waiting on the provider.
    private TimeSpan Silence(TimeSpan silent, bool armed, long armedAt) =>
        armed ? silent + _timeProvider.GetElapsedTime(armedAt) : silent;

    // Before the registration is disposed, the circuit being isolated cancels the attempt (disposal waits for a callback
    // already running, so the attempt's source is never cancelled after it is disposed).
    private static CancellationTokenRegistration GiveUpOnIsolation(CircuitPermit permit, CancellationTokenSource attempt) =>
        permit.Isolation.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), attempt);

    // Failed before the request reached the transport: the gateway or the SDK could not build it. Cancellation is the
    // caller's (or a timer's) and keeps its own meaning.
    private static bool IsUnsent(ProviderCallScope call, Exception exception) =>
        !call.RequestSent && exception is not (OperationCanceledException or AttemptTimeoutException or AttemptIsolatedException);

    // The provider never saw the request: no verdict on it, and the request's own fault from here on out.
    private UnsendableRequestException NotAVerdict(CircuitPermit permit, Exception exception)
    {
        _health.CallRejected(_breaker, permit);
        return new UnsendableRequestException(_breaker.Provider, exception);
    }

    // A closed circuit's call returns synchronously: only a half-open trial asks the shared lease (replicas), once per break.
    private ValueTask<CircuitPermit> EnterAsync(CancellationToken cancellationToken)
    {
        if (!_breaker.TryEnter(out var permit))
        {
            throw new CircuitOpenException(_breaker.Provider, _breaker.RetryAfter, _breaker.RefusalReason);
        }

        return permit is { IsTrial: true, BreakId: { } breakId } && _breaker.TrialLease is { } lease
            ? LeaseTrialAsync(permit, lease, breakId, cancellationToken)
            : ValueTask.FromResult(permit);
    }

    private async ValueTask<CircuitPermit> LeaseTrialAsync(CircuitPermit permit, ICircuitTrialLease lease, string breakId, CancellationToken cancellationToken)
    {
        TrialLeaseResult result;
        try
        {
            result = await lease.TryAcquireAsync(_breaker.Provider, breakId, cancellationToken);
        }
        catch
        {
            _health.CallAbandoned(_breaker, permit);
            throw;
        }

        if (result.RunTrial)
        {
            return permit;
        }

        _health.TrialHeldElsewhere(_breaker, permit, result.Holder!, result.HeldFor);
        throw new CircuitOpenException(_breaker.Provider, _breaker.RetryAfter, _breaker.RefusalReason);
    }

    private void Report(CircuitPermit permit, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            _health.CallAbandoned(_breaker, permit);
        }
        else if (ProviderErrorClassifier.Classify(exception) == ProviderErrorKind.RequestRejected)
        {
            _health.CallRejected(_breaker, permit);
        }
        else
        {
            _health.CallFailed(_breaker, permit);
        }
    }
}

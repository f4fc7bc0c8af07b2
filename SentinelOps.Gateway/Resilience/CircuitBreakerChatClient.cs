using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Lets calls reach the provider only while its <see cref="CircuitBreaker"/> permits, and reports to it each call's
/// first token and outcome.
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
/// <para>A stream that ends without a single event is a <see cref="MalformedResponseException"/>, a failure: a server
/// that ignored <c>stream: true</c> (or sent no stream at all) must not pass for an empty answer.</para>
/// </remarks>
public sealed class CircuitBreakerChatClient : DelegatingChatClient
{
    private readonly CircuitBreaker _breaker;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the middleware over <paramref name="innerClient"/>, guarded by <paramref name="breaker"/>.</summary>
    public CircuitBreakerChatClient(IChatClient innerClient, CircuitBreaker breaker, TimeProvider timeProvider)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(breaker);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _breaker = breaker;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var permit = Enter();
        var started = _timeProvider.GetTimestamp();
        var call = ProviderCallScope.Begin();
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var isolation = GiveUpOnIsolation(permit, attempt);
        try
        {
            var response = await base.GetResponseAsync(messages, options, attempt.Token);
            _breaker.RecordSuccess(permit, _timeProvider.GetElapsedTime(started));
            return response;
        }
        catch (Exception) when (permit.Isolation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _breaker.RecordAbandoned(permit);
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
        var permit = Enter();
        var started = _timeProvider.GetTimestamp();
        TimeSpan? timeToFirstToken = null;
        var completed = false;
        var received = false;

        // Only trials get a timer of their own: the ordinary path stays as cheap as it was.
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
                catch (OperationCanceledException) when (trialLimit is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
                {
                    _breaker.RecordFailure(permit);
                    completed = true;
                    throw new AttemptTimeoutException(permit.TrialTimeToFirstToken!.Value, waitingForFirstToken: true);
                }
                catch (Exception) when (timeToFirstToken is null && permit.Isolation.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    _breaker.RecordAbandoned(permit);
                    completed = true;
                    throw new AttemptIsolatedException(_breaker.Provider);
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
                if (timeToFirstToken is null && enumerator.Current.HasContent())
                {
                    timeToFirstToken = _timeProvider.GetElapsedTime(started);
                    _breaker.RecordFirstToken(permit);
                    trialLimit?.CancelAfter(Timeout.InfiniteTimeSpan);
                    isolation.Dispose(); // the answer is flowing: isolation no longer cuts it
                }

                yield return enumerator.Current;
            }

            completed = true;
            if (!received)
            {
                _breaker.RecordFailure(permit);
                throw new MalformedResponseException();
            }

            _breaker.RecordSuccess(permit, timeToFirstToken ?? _timeProvider.GetElapsedTime(started));
        }
        finally
        {
            isolation.Dispose();
            if (!completed)
            {
                // The consumer stopped reading early: the breaker decides whether it had waited long enough to be a stall.
                _breaker.RecordAbandoned(permit);
            }

            await enumerator.DisposeAsync();
        }
    }

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
        _breaker.RecordRejected(permit);
        return new UnsendableRequestException(_breaker.Provider, exception);
    }

    private CircuitPermit Enter() =>
        _breaker.TryEnter(out var permit)
            ? permit
            : throw new CircuitOpenException(_breaker.Provider, _breaker.RetryAfter, _breaker.RefusalReason);

    private void Report(CircuitPermit permit, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            _breaker.RecordAbandoned(permit);
        }
        else if (ProviderErrorClassifier.Classify(exception) == ProviderErrorKind.RequestRejected)
        {
            _breaker.RecordRejected(permit);
        }
        else
        {
            _breaker.RecordFailure(permit);
        }
    }
}

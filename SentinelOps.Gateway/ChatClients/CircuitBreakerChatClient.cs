using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Health;

namespace SentinelOps.Gateway.ChatClients;

/// <summary>
/// Lets calls reach the provider only while its <see cref="CircuitBreaker"/> permits, and reports every outcome to it.
/// </summary>
/// <remarks>
/// A refused call throws <see cref="CircuitOpenException"/> without touching the network. The caller cancelling is no
/// verdict on the provider; a request the provider rejected as invalid (400, 422, …) shows the provider is up.
/// A stream counts as a success only once it has completed. The breaker is reachable through
/// <see cref="GetService"/>, so routers can ask it before calling.
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
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            _breaker.RecordSuccess(permit, _timeProvider.GetElapsedTime(started));
            return response;
        }
        catch (Exception ex)
        {
            Report(permit, ex, started, cancellationToken);
            throw;
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var permit = Enter();
        var started = _timeProvider.GetTimestamp();
        TimeSpan? timeToFirstUpdate = null;
        var completed = false;
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            Report(permit, ex, started, cancellationToken);
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
                catch (Exception ex)
                {
                    Report(permit, ex, started, cancellationToken);
                    completed = true;
                    throw;
                }

                timeToFirstUpdate ??= _timeProvider.GetElapsedTime(started);
                yield return enumerator.Current;
            }

            _breaker.RecordSuccess(permit, timeToFirstUpdate ?? _timeProvider.GetElapsedTime(started));
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                // The consumer stopped reading early: no verdict on the provider.
                _breaker.RecordAbandoned(permit);
            }

            await enumerator.DisposeAsync();
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(CircuitBreaker) ? _breaker : base.GetService(serviceType, serviceKey);
    }

    private CircuitPermit Enter() =>
        _breaker.TryEnter(out var permit)
            ? permit
            : throw new CircuitOpenException(_breaker.Provider, _breaker.RetryAfter);

    private void Report(CircuitPermit permit, Exception exception, long started, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            _breaker.RecordAbandoned(permit);
        }
        else if (ProviderErrorClassifier.Classify(exception) == ProviderErrorKind.RequestRejected)
        {
            _breaker.RecordSuccess(permit, _timeProvider.GetElapsedTime(started));
        }
        else
        {
            _breaker.RecordFailure(permit);
        }
    }
}

using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;
using Polly.Retry;
using SentinelOps.Gateway.Routing;

namespace SentinelOps.Gateway.Resilience;

/// <summary>
/// Retries transient provider failures (connection errors, timeouts, 408, 429, 5xx) on the same provider with
/// exponential back-off and full jitter, honouring <c>Retry-After</c>, never waiting past the request's
/// <see cref="RequestDeadline"/>, and never after a stream's first update has reached the caller.
/// </summary>
/// <remarks>Runs on a Polly retry pipeline; the delay is decided in its predicate so a wait that would break the
/// deadline or exceed <see cref="RetryOptions.MaxDelay"/> ends the retries instead.</remarks>
public sealed class RetryChatClient : DelegatingChatClient
{
    private static readonly ResiliencePropertyKey<TimeSpan> NextDelayKey = new("sentinel.retry.delay");

    private readonly RetryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerClient">The rest of the pipeline.</param>
    /// <param name="options">Retry settings.</param>
    /// <param name="timeProvider">Clock for back-off and deadlines.</param>
    /// <param name="random">Uniform [0, 1) source for jitter; tests pass a fixed one.</param>
    public RetryChatClient(IChatClient innerClient, RetryOptions options, TimeProvider timeProvider, Func<double>? random = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _timeProvider = timeProvider;
        _random = random ?? Random.Shared.NextDouble;
        _pipeline = options.MaxRetryAttempts == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = timeProvider }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome.Exception, args.AttemptNumber, args.Context)),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(NextDelayKey, TimeSpan.Zero)),
                })
                .Build();
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var context = RentContext(cancellationToken);
        try
        {
            return await _pipeline.ExecuteAsync(
                static (context, state) => new ValueTask<ChatResponse>(state.Self.InnerClient.GetResponseAsync(state.messages, state.options, context.CancellationToken)),
                context,
                (Self: this, messages, options));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Only opening the stream and waiting for its first update are retried; once an update has been handed on,
        // a failure belongs to the caller.
        var context = RentContext(cancellationToken);
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        bool hasFirst;
        try
        {
            (enumerator, hasFirst) = await _pipeline.ExecuteAsync(
                static async (context, state) =>
                {
                    var attempt = state.Self.InnerClient.GetStreamingResponseAsync(state.messages, state.options, context.CancellationToken)
                        .GetAsyncEnumerator(context.CancellationToken);
                    try
                    {
                        return (attempt, await attempt.MoveNextAsync());
                    }
                    catch
                    {
                        await attempt.DisposeAsync();
                        throw;
                    }
                },
                context,
                (Self: this, messages, options));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        try
        {
            if (!hasFirst)
            {
                yield break;
            }

            yield return enumerator.Current;
            while (await enumerator.MoveNextAsync())
            {
                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    /// <summary>The back-off before retry number <paramref name="retry"/> (1-based) with full jitter.</summary>
    internal TimeSpan Backoff(int retry)
    {
        var ceiling = Math.Min(_options.BaseDelay.Ticks * Math.Pow(2, retry - 1), _options.MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)(ceiling * _random()));
    }

    private static ResilienceContext RentContext(CancellationToken cancellationToken) => ResilienceContextPool.Shared.Get(cancellationToken);

    private bool ShouldRetry(Exception? exception, int attemptNumber, ResilienceContext context)
    {
        if (exception is null
            || (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
            || !ProviderErrorClassifier.IsTransient(exception))
        {
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        var delay = ProviderErrorClassifier.RetryAfter(exception, now, _options.MaxDelay + TimeSpan.FromTicks(1)) ?? Backoff(attemptNumber + 1); // capped past MaxDelay: a longer ask fails over below
        if (delay > _options.MaxDelay)
        {
            return false;
        }

        // Polly decides on the request's own flow, so the deadline is the one the request entered.
        if (RequestDeadline.Current is { } deadline && now + delay >= deadline)
        {
            return false;
        }

        context.Properties.Set(NextDelayKey, delay);
        return true;
    }
}

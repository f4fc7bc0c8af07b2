using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Caching;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing.Drift;

namespace SentinelOps.Gateway.Routing;

/// <summary>
/// The whole request pipeline, in one place and outermost first: every chat request passes the gateway's layers once,
/// then one provider's layers per provider tried.
/// </summary>
internal static class GatewayChatPipeline
{
    /// <summary>Registers the gateway's <see cref="IChatClient"/>, the one both chat endpoints call.</summary>
    public static ChatClientBuilder AddGatewayChatClient(this IServiceCollection services) =>
        services.AddChatClient(NothingBelowTheProviders.Instance)
            .UseRequestMetrics()    // counts and times each request once, however it ends; failovers become incidents
            .UseResponseCache()     // a repeated temperature-0 answer from the cache, when Gateway:Cache:Enabled
            .UseFailover();         // tries the providers' pipelines below in priority order, under one deadline

    /// <summary>
    /// One provider's pipeline over its protocol client (the OpenAI SDK or OllamaSharp), guarded by
    /// <paramref name="breaker"/>, whose writer of health is <paramref name="health"/>.
    /// </summary>
    /// <remarks>
    /// The breaker sits inside the retry so it counts every attempt: its threshold then bounds the calls a dead provider
    /// receives, and retrying stops the moment it opens. It sits outside the attempt timeout and sees every attempt as
    /// a stream, so it learns each provider's time to first token and pace between chunks, and notices a stall (before
    /// or after the first token) however the attempt ends.
    /// </remarks>
    public static IChatClient ForProvider(
        IChatClient protocolClient,
        ProviderHealthUpdater health,
        CircuitBreaker breaker,
        ProviderDriftState drift,
        RetryOptions retry,
        AttemptTimeoutOptions timeouts,
        ILoggerFactory loggerFactory,
        IServiceProvider services) =>
        new ChatClientBuilder(protocolClient)
            .UseOpenTelemetry(loggerFactory)    // one GenAI span per provider, so a failover shows as sibling spans
            .UseRetry(retry)                    // transient failures again on this provider, with back-off and jitter
            .UseStreamedResponses(timeouts)     // a non-streaming request travels on as a stream, bounded as a whole
            .UseDriftTracking(drift)            // each attempt's time to first token and provider faults: drift draining
            .UseCircuitBreaker(health, breaker) // may this call go out; what it said of the provider goes to the health writer
            .UseAttemptTimeout(timeouts)        // time to the first token
            .Build(services);

    // The failover client ends the gateway's part of the pipeline: below it are the providers' own pipelines, which it
    // calls itself. Nothing ever reaches this client.
    private sealed class NothingBelowTheProviders : IChatClient
    {
        public static readonly NothingBelowTheProviders Instance = new();

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The failover client calls the providers' pipelines; nothing is below it.");

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The failover client calls the providers' pipelines; nothing is below it.");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

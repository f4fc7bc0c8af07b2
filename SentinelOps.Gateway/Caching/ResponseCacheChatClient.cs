using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using SentinelOps.Gateway.Routing;

namespace SentinelOps.Gateway.Caching;

/// <summary>
/// Microsoft.Extensions.AI's distributed cache, narrowed to what may be served twice: whole (non-streaming) answers at
/// temperature 0, never when the caller said <c>Cache-Control: no-store</c>, keyed by everything that changes the
/// answer (messages, model, tools, options) and by the caller's tenant. A hit is answered by <c>cache</c>, not by a
/// provider; a cache that is slow or down is a miss, never a failed request.
/// </summary>
public sealed partial class ResponseCacheChatClient : DistributedCachingChatClient
{
    /// <summary>The provider name a cached answer reports.</summary>
    public const string CacheProvider = "cache";

    private static readonly ProviderRouting CacheRouting = new(CacheProvider, []);

    private readonly IDistributedCache _storage;
    private readonly ResponseCacheOptions _options;
    private readonly Func<bool> _available;
    private readonly ILogger _logger;

    /// <summary>Creates the cache over <paramref name="innerClient"/>, storing in <paramref name="storage"/>.</summary>
    /// <param name="innerClient">The rest of the pipeline.</param>
    /// <param name="storage">Where answers are kept.</param>
    /// <param name="options">What is cached, for how long.</param>
    /// <param name="available">Whether the storage can answer now (the Redis connection is up); while it cannot, the
    /// cache is skipped at no cost instead of waiting out <see cref="ResponseCacheOptions.Timeout"/> twice a request.</param>
    /// <param name="logger">Where cache failures are logged.</param>
    public ResponseCacheChatClient(
        IChatClient innerClient, IDistributedCache storage, ResponseCacheOptions options, Func<bool>? available = null, ILogger<ResponseCacheChatClient>? logger = null)
        : base(innerClient, storage)
    {
        ArgumentNullException.ThrowIfNull(options);
        _storage = storage;
        _options = options;
        _available = available ?? (static () => true);
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <inheritdoc/>
    /// <remarks>Streams are never cached: they go straight on.</remarks>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerClient.GetStreamingResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc/>
    protected override bool EnableCaching(IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        base.EnableCaching(messages, options) && options?.Temperature == 0 && ResponseCacheRequest.Current?.NoStore != true && _available();

    /// <inheritdoc/>
    protected override string GetCacheKey(IEnumerable<ChatMessage> messages, ChatOptions? options, params ReadOnlySpan<object?> additionalValues) =>
        base.GetCacheKey(messages, options, [.. additionalValues, "tenant:" + ResponseCacheRequest.Current?.Tenant]);

    /// <inheritdoc/>
    protected override async Task<ChatResponse?> ReadCacheAsync(string key, CancellationToken cancellationToken)
    {
        ChatResponse? cached;
        try
        {
            // The Redis client does not give up on a cancelled token, so the wait itself is bounded.
            cached = await base.ReadCacheAsync(key, cancellationToken).WaitAsync(_options.Timeout, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnavailable("read", ex.GetType().Name);
            return null;
        }

        if (cached is not null)
        {
            (cached.AdditionalProperties ??= [])[ProviderRouting.AdditionalPropertiesKey] = CacheRouting;
        }

        return cached;
    }

    /// <inheritdoc/>
    /// <remarks>Stores a copy without the routing record (which provider answered is this request's story, not the cached
    /// answer's), for <see cref="ResponseCacheOptions.Ttl"/>.</remarks>
    protected override async Task WriteCacheAsync(string key, ChatResponse value, CancellationToken cancellationToken)
    {
        AdditionalPropertiesDictionary? properties = null;
        if (value.AdditionalProperties is { Count: > 0 } all)
        {
            properties = new AdditionalPropertiesDictionary(all);
            properties.Remove(ProviderRouting.AdditionalPropertiesKey);
        }

        var stored = new ChatResponse(value.Messages)
        {
            ResponseId = value.ResponseId,
            ModelId = value.ModelId,
            CreatedAt = value.CreatedAt,
            FinishReason = value.FinishReason,
            Usage = value.Usage,
            AdditionalProperties = properties is { Count: > 0 } ? properties : null,
        };
        try
        {
            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(stored, JsonSerializerOptions.GetTypeInfo(typeof(ChatResponse)));
            await _storage.SetAsync(key, json, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _options.Ttl }, cancellationToken)
                .WaitAsync(_options.Timeout, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnavailable("write", ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Response cache {Operation} failed ({Error}); answering without the cache")]
    private partial void LogUnavailable(string operation, string error);
}

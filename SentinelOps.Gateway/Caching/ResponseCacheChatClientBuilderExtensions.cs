using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace SentinelOps.Gateway.Caching;

/// <summary>Adds <see cref="ResponseCacheChatClient"/> to a chat client pipeline.</summary>
public static class ResponseCacheChatClientBuilderExtensions
{
    /// <summary>
    /// Serves repeated temperature-0 answers from the distributed cache (<see cref="ResponseCacheOptions"/>); with the
    /// cache disabled, adds nothing to the pipeline.
    /// </summary>
    public static ChatClientBuilder UseResponseCache(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((innerClient, services) =>
            services.GetRequiredService<IOptions<ResponseCacheOptions>>().Value is { Enabled: true } options
                ? new ResponseCacheChatClient(
                    innerClient,
                    services.GetRequiredService<IDistributedCache>(),
                    options,
                    services.GetService<StackExchange.Redis.IConnectionMultiplexer>() is { } redis ? () => redis.IsConnected : null,
                    services.GetService<ILogger<ResponseCacheChatClient>>())
                : innerClient);
    }
}

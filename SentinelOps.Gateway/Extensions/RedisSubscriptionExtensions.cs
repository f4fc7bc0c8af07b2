using StackExchange.Redis;

namespace SentinelOps.Gateway.Extensions;

/// <summary>How the gateway's background services subscribe to a Redis channel, and let go of it.</summary>
internal static class RedisSubscriptionExtensions
{
    // Redis may not answer yet when a replica starts: ask again each second until it does or the service stops.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Subscribes to <paramref name="channel"/> for one reader in order, asking again every second while Redis does not
    /// answer; <paramref name="failed"/> hears of each failure.
    /// </summary>
    public static async Task<ChannelMessageQueue> SubscribeWithRetryAsync(
        this IConnectionMultiplexer redis, RedisChannel channel, TimeProvider timeProvider, Action<Exception> failed, CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                return await redis.GetSubscriber().SubscribeAsync(channel);
            }
            catch (Exception ex) when ((ex is RedisException or TimeoutException) && !stoppingToken.IsCancellationRequested)
            {
                failed(ex);
                await Task.Delay(RetryDelay, timeProvider, stoppingToken);
            }
        }
    }

    /// <summary>Unsubscribes, unless Redis is already gone (shutting down: nothing to unsubscribe from).</summary>
    public static async Task TryUnsubscribeAsync(this ChannelMessageQueue queue)
    {
        try
        {
            await queue.UnsubscribeAsync();
        }
        catch (RedisException)
        {
        }
    }
}

using SentinelOps.Shared.Events;
using StackExchange.Redis;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// Subscribes to the live event channel <see cref="RedisKeys.Events"/> and hands every event, in order, to this replica's
/// <see cref="SystemEventsHub"/>: every event any service publishes reaches every replica's WebSocket clients.
/// </summary>
/// <remarks>
/// Messages are relayed as published (already the WebSocket's JSON), so a broadcast costs one parse of the envelope.
/// If Redis is not reachable at start the subscription is retried; once made, StackExchange.Redis restores it after
/// reconnects by itself.
/// </remarks>
internal sealed partial class RedisEventRelay(
    IServiceProvider services, SystemEventsHub hub, TimeProvider timeProvider, ILogger<RedisEventRelay> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private static readonly RedisChannel Channel = RedisChannel.Literal(RedisKeys.Events);

    private ChannelMessageQueue? _queue;

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolving the multiplexer connects: never on the host's start-up path.
        await Task.Yield();
        if (services.GetService<IConnectionMultiplexer>() is not { } redis)
        {
            LogNotConfigured();
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _queue = await redis.GetSubscriber().SubscribeAsync(Channel);
                _queue.OnMessage(Relay); // sequential: incidents reach clients in the order they were published
                LogSubscribed(RedisKeys.Events);
                return;
            }
            catch (Exception ex) when ((ex is RedisException or TimeoutException) && !stoppingToken.IsCancellationRequested)
            {
                LogSubscribeFailed(RedisKeys.Events, ex.GetType().Name);
                await Task.Delay(RetryDelay, timeProvider, stoppingToken);
            }
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is { } queue)
        {
            try
            {
                await queue.UnsubscribeAsync();
            }
            catch (RedisException)
            {
                // Shutting down with Redis gone: nothing to unsubscribe from.
            }
        }

        await base.StopAsync(cancellationToken);
    }

    private void Relay(ChannelMessage message)
    {
        if (message.Message.IsNullOrEmpty || EncodedEvent.TryParse((byte[])message.Message!) is not { } parsed)
        {
            LogIgnored(RedisKeys.Events);
            return;
        }

        hub.Broadcast(parsed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Relaying live events from Redis channel {Channel} to WebSocket clients")]
    private partial void LogSubscribed(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot subscribe to Redis channel {Channel} yet ({Error}); retrying")]
    private partial void LogSubscribeFailed(string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not configured: WebSocket clients get heartbeats and system messages only")]
    private partial void LogNotConfigured();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a message on {Channel} that is not an event")]
    private partial void LogIgnored(string channel);
}

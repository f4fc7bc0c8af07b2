using System.Text.Json;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Shared.Events;
using StackExchange.Redis;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// This replica's one subscription to the live event channel <see cref="RedisKeys.Events"/>: reads each message once,
/// in order, parses it once (<see cref="PublishedEvent"/>), and hands it to both consumers — the WebSocket clients
/// (<see cref="SystemEventsHub"/>) and the circuits (<see cref="MonitorReportApplier"/>).
/// </summary>
/// <remarks>
/// If Redis is not reachable at start the subscription is retried; once made, StackExchange.Redis restores it after
/// reconnects by itself. Pub/sub is at most once, so after subscribing and after every reconnection the circuits catch
/// up from the stored reports. Handing over never waits: the hub queues per client, the circuits have their own queue.
/// </remarks>
internal sealed partial class RedisEventSubscriber(
    IServiceProvider services,
    SystemEventsHub hub,
    MonitorReportApplier circuits,
    TimeProvider timeProvider,
    ILogger<RedisEventSubscriber> logger) : BackgroundService
{
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

        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            var queue = await SubscribeAsync(redis, stoppingToken);

            // Read after subscribing, so that a report published in between is not missed.
            circuits.ReplayStoredReports();

            // One reader, in order: incidents reach clients, and circuits, in the order they were published.
            await foreach (var message in queue.WithCancellation(stoppingToken))
            {
                Dispatch(message.Message);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionRestored -= OnConnectionRestored;
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_queue is { } queue)
        {
            await queue.TryUnsubscribeAsync();
        }

        await base.StopAsync(cancellationToken);
    }

    private async Task<ChannelMessageQueue> SubscribeAsync(IConnectionMultiplexer redis, CancellationToken stoppingToken)
    {
        _queue = await redis.SubscribeWithRetryAsync(Channel, timeProvider, ex => LogSubscribeFailed(RedisKeys.Events, ex.GetType().Name), stoppingToken);
        LogSubscribed(RedisKeys.Events);
        return _queue;
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            circuits.ReplayStoredReports();
        }
    }

    private void Dispatch(RedisValue message)
    {
        PublishedEvent published;
        try
        {
            published = PublishedEvent.Parse(message.IsNullOrEmpty ? ReadOnlyMemory<byte>.Empty : (byte[])message!);
        }
        catch (JsonException ex)
        {
            LogIgnored(RedisKeys.Events, ex.Message);
            return;
        }

        hub.Broadcast(published.Encoded);
        circuits.Post(published.Event);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to Redis channel {Channel}: live events now reach WebSocket clients and steer the circuits")]
    private partial void LogSubscribed(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot subscribe to Redis channel {Channel} yet ({Error}); retrying")]
    private partial void LogSubscribeFailed(string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is not configured: WebSocket clients get heartbeats and system messages only, and circuits follow requests only")]
    private partial void LogNotConfigured();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring a message on {Channel} that is not an event: {Error}")]
    private partial void LogIgnored(string channel, string error);
}

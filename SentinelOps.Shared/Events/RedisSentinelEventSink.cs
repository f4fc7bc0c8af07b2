using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SentinelOps.Shared.Json;
using StackExchange.Redis;

namespace SentinelOps.Shared.Events;

/// <summary>
/// Sends incidents and live events to Redis from a background writer, so callers never wait on Redis and never see
/// it fail. Incidents are durable: they wait in a bounded outbox until stored in the incident stream (write-once, see
/// <see cref="IncidentStoreScript"/>). Live events are hints: published when Redis is up, dropped when it is not.
/// </summary>
/// <remarks>
/// <para>Order is kept: the one writer stores incidents oldest first and retries the oldest until it is stored.</para>
/// <para><c>provider_status</c> events also update the <see cref="RedisKeys.ProviderStatus"/> hash; the latest report per
/// provider is kept until written, so the hash is right again soon after an outage.</para>
/// <para>Thread-safe. <see cref="RecordIncident"/> and <see cref="Publish"/> take a lock only briefly and allocate one
/// small record; all serialization and I/O happen on the writer.</para>
/// </remarks>
public sealed partial class RedisSentinelEventSink : BackgroundService, ISentinelEventSink
{
    private static readonly TimeSpan ShutdownFlushTimeout = TimeSpan.FromSeconds(3);

    private readonly IServiceProvider _services;
    private readonly SentinelEventsOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IncidentOutbox _outbox;
    private readonly Channel<string> _live;
    private readonly Channel<bool> _wakeUp = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly ConcurrentDictionary<string, string> _pendingStatus = new(StringComparer.Ordinal);

    private IConnectionMultiplexer? _redis;
    private long _stored;
    private long _liveDropped;
    private volatile bool _available = true;

    /// <summary>Creates the sink; Redis is resolved from <paramref name="services"/> on the writer, never on a caller.</summary>
    public RedisSentinelEventSink(
        IServiceProvider services, IOptions<SentinelEventsOptions> options, TimeProvider timeProvider, ILogger<RedisSentinelEventSink>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _services = services;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _outbox = new IncidentOutbox(_options.OutboxCapacity);
        _live = Channel.CreateBounded<string>(new BoundedChannelOptions(_options.LiveEventCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }, _ => Interlocked.Increment(ref _liveDropped));
    }

    /// <summary>Incidents recorded but not yet confirmed stored.</summary>
    public int PendingIncidents => _outbox.Count;

    /// <summary>Incidents confirmed stored (or found already stored) since start.</summary>
    public long StoredIncidents => Interlocked.Read(ref _stored);

    /// <summary>Incidents dropped because the outbox was full, since start.</summary>
    public long DroppedIncidents => _outbox.Dropped;

    /// <summary>Live events dropped (Redis down, or more queued than <see cref="SentinelEventsOptions.LiveEventCapacity"/>), since start.</summary>
    public long DroppedLiveEvents => Interlocked.Read(ref _liveDropped);

    /// <summary>Whether the last attempt to write to Redis succeeded.</summary>
    public bool RedisAvailable => _available;

    /// <inheritdoc/>
    /// <remarks>An incident whose <see cref="Incident.Id"/> was recorded before is stored once. An empty id gets a GUID.</remarks>
    public void RecordIncident(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var uid = string.IsNullOrEmpty(incident.Id) ? Guid.NewGuid().ToString("N") : incident.Id;
        LogIncidentRecorded(IncidentTypeNames.ToName(incident.Type), incident.Provider, incident.Detail, uid);
        // Logged on the first drop and every 1000th after, so a long outage does not flood the log.
        if (_outbox.Enqueue(new PendingIncident(uid, incident)) is { } dropped && _outbox.Dropped % 1000 == 1)
        {
            LogOutboxFull(_options.OutboxCapacity, _outbox.Dropped, IncidentTypeNames.ToName(dropped.Incident.Type), dropped.Uid);
        }

        _wakeUp.Writer.TryWrite(true);
    }

    /// <inheritdoc/>
    public void Publish(string eventType, object payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        ArgumentNullException.ThrowIfNull(payload);
        var element = payload as JsonElement? ?? JsonSerializer.SerializeToElement(payload, payload.GetType(), SentinelJson.Options);
        var message = JsonSerializer.Serialize(new SentinelEvent(eventType, element, _timeProvider.GetUtcNow()), SentinelJson.Options);
        if (eventType == EventTypes.ProviderStatus && payload is ProviderStatusReport report)
        {
            _pendingStatus[report.Provider] = element.GetRawText();
        }

        _live.Writer.TryWrite(message);
        _wakeUp.Writer.TryWrite(true);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolving the multiplexer connects (up to its connect timeout): never on the caller's thread.
        await Task.Yield();
        _redis = _services.GetService<IConnectionMultiplexer>();
        if (_redis is null)
        {
            LogNotConfigured();
            _available = false;
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!await FlushAsync(_redis, stoppingToken))
                {
                    await Task.Delay(_options.RetryInterval, _timeProvider, stoppingToken);
                    continue;
                }

                await _wakeUp.Reader.WaitToReadAsync(stoppingToken);
                _wakeUp.Reader.TryRead(out _);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Best effort: what is still in the outbox when the process stops is lost, so give it one bounded try.
        if (_redis is not null && _outbox.Count > 0)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ShutdownFlushTimeout);
            await FlushAsync(_redis, timeout.Token);
        }

        if (_outbox.Count > 0)
        {
            LogUnflushedAtShutdown(_outbox.Count);
        }
    }

    /// <summary>Writes everything waiting. Returns <see langword="false"/> when Redis failed and the writer should wait.</summary>
    private async Task<bool> FlushAsync(IConnectionMultiplexer redis, CancellationToken cancellationToken)
    {
        if (!redis.IsConnected)
        {
            DropLiveEvents();
            MarkUnavailable("not connected");
            return false;
        }

        var database = redis.GetDatabase();
        try
        {
            while (_outbox.TryPeek(out var pending))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (streamId, storedNow) = await StoreAsync(database, pending);
                _outbox.Complete(pending);
                Interlocked.Increment(ref _stored);
                LogIncidentStored(IncidentTypeNames.ToName(pending.Incident.Type), pending.Incident.Provider, streamId, storedNow);
            }

            foreach (var (provider, json) in _pendingStatus)
            {
                await database.HashSetAsync(RedisKeys.ProviderStatus, provider, json);
                _pendingStatus.TryRemove(KeyValuePair.Create(provider, json));
            }

            while (_live.Reader.TryRead(out var message))
            {
                await database.PublishAsync(RedisChannel.Literal(RedisKeys.Events), message);
            }

            MarkAvailable();
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Connection lost, timeout, Redis still loading its data after a restart: the outbox keeps everything.
            MarkUnavailable(ex.GetType().Name + ": " + ex.Message);
            return false;
        }
    }

    private async Task<(string StreamId, bool StoredNow)> StoreAsync(IDatabase database, PendingIncident pending)
    {
        var incident = pending.Incident with { Id = IncidentStoreScript.IdPlaceholder };
        var payload = JsonSerializer.SerializeToElement(incident, SentinelJson.Options);
        var message = JsonSerializer.Serialize(
            new SentinelEvent(EventTypes.Incident, payload, pending.Incident.Timestamp, IncidentStoreScript.IdPlaceholder), SentinelJson.Options);

        var fields = IncidentStreamEntry.ToFields(pending.Incident, pending.Uid);
        var arguments = new RedisValue[4 + fields.Count];
        arguments[0] = _options.StreamMaxLength;
        arguments[1] = (long)Math.Ceiling(_options.IdempotencyWindow.TotalSeconds);
        arguments[2] = RedisKeys.Events;
        arguments[3] = message;
        fields.CopyTo(arguments, 4);

        var result = (RedisResult[])(await database.ScriptEvaluateAsync(
            IncidentStoreScript.Source,
            [RedisKeys.Incidents, IncidentStoreScript.DedupeKey(pending.Uid)],
            arguments))!;
        return (result[0].ToString(), (long)result[1] == 1);
    }

    private void DropLiveEvents()
    {
        while (_live.Reader.TryRead(out _))
        {
            Interlocked.Increment(ref _liveDropped);
        }
    }

    private void MarkUnavailable(string reason)
    {
        if (_available)
        {
            _available = false;
            LogRedisUnavailable(reason, _outbox.Count);
        }
    }

    private void MarkAvailable()
    {
        if (!_available)
        {
            _available = true;
            LogRedisAvailable();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable for events ({Reason}); {Pending} incidents wait in the outbox, live events are dropped")]
    private partial void LogRedisUnavailable(string reason, int pending);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is available for events again; outbox flushed")]
    private partial void LogRedisAvailable();

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {Type} recorded for {Provider}: {Detail} (uid {Uid})")]
    private partial void LogIncidentRecorded(string type, string? provider, string detail, string uid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Incident {Type} ({Provider}) stored as {StreamId} (new: {StoredNow})")]
    private partial void LogIncidentStored(string type, string? provider, string streamId, bool storedNow);

    [LoggerMessage(Level = LogLevel.Error, Message = "Incident outbox full ({Capacity}): dropping the oldest waiting incidents ({Dropped} so far; this one {Type} {Uid})")]
    private partial void LogOutboxFull(int capacity, long dropped, string type, string uid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Redis connection string is configured: incidents stay in the in-memory outbox and live events are dropped")]
    private partial void LogNotConfigured();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping with {Pending} incidents not stored in Redis")]
    private partial void LogUnflushedAtShutdown(int pending);
}

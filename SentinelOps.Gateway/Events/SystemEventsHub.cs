using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// The WebSocket clients of this replica, and the fan-out to them: each broadcast event is encoded once and queued for
/// every client; a client whose queue is full is dropped, so a slow reader costs at most its queue, never unbounded memory.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed partial class SystemEventsHub(IOptions<SystemEventsOptions> options, ILogger<SystemEventsHub> logger)
{
    /// <summary>The drop reason of a client whose queue overflowed.</summary>
    public const string SlowClientReason = "slow_client";

    private readonly ConcurrentDictionary<long, SystemEventsClient> _clients = new();
    private long _nextId;
    private int _count;

    /// <summary>Clients connected now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Registers a new client, which from now on receives every broadcast; false when the connection cap is reached.</summary>
    public bool TryConnect(out SystemEventsClient? client)
    {
        if (Interlocked.Increment(ref _count) > options.Value.MaxConnections)
        {
            Interlocked.Decrement(ref _count);
            client = null;
            return false;
        }

        client = new SystemEventsClient(Interlocked.Increment(ref _nextId), options.Value.ClientQueueCapacity);
        _clients[client.Id] = client;
        return true;
    }

    /// <summary>Unregisters <paramref name="client"/> (idempotent).</summary>
    public void Disconnect(SystemEventsClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (_clients.TryRemove(client.Id, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>Queues <paramref name="message"/> for every client, dropping those that cannot keep up.</summary>
    public void Broadcast(EncodedEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var client in _clients.Values)
        {
            if (!client.TryEnqueue(message) && client.DropReason is null)
            {
                LogSlowClient(client.Id, options.Value.ClientQueueCapacity);
                client.Drop(SlowClientReason);
            }
        }
    }

    /// <summary>Drops every client (at shutdown): each is told why and closed.</summary>
    public void DropAll(string reason)
    {
        foreach (var client in _clients.Values)
        {
            client.Drop(reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket client {ClientId} dropped: {Capacity} events waiting, it is not reading fast enough")]
    private partial void LogSlowClient(long clientId, int capacity);
}

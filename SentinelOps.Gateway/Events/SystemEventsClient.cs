using System.Threading.Channels;

namespace SentinelOps.Gateway.Events;

/// <summary>One connected WebSocket client: its bounded queue of events waiting to be sent, and whether it was dropped.</summary>
/// <remarks>Thread-safe: broadcasters enqueue from any thread, the connection's one sender dequeues.</remarks>
internal sealed class SystemEventsClient : IDisposable
{
    private readonly Channel<EncodedEvent> _queue;
    private readonly CancellationTokenSource _dropped = new();
    private string? _dropReason;

    public SystemEventsClient(long id, int capacity)
    {
        Id = id;
        _queue = Channel.CreateBounded<EncodedEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails rather than waits: the caller drops the client
        });
    }

    /// <summary>A number unique within the process.</summary>
    public long Id { get; }

    /// <summary>Cancelled when the client is dropped.</summary>
    public CancellationToken Dropped => _dropped.Token;

    /// <summary>Why it was dropped; <see langword="null"/> while it is not.</summary>
    public string? DropReason => Volatile.Read(ref _dropReason);

    /// <summary>The events waiting for this client.</summary>
    public ChannelReader<EncodedEvent> Queue => _queue.Reader;

    /// <summary>Queues <paramref name="message"/>; false when the queue is full (the client is too slow) or the client is gone.</summary>
    public bool TryEnqueue(EncodedEvent message) => _queue.Writer.TryWrite(message);

    /// <summary>Stops queueing for this client and wakes its sender, which says why and closes the connection.</summary>
    public void Drop(string reason)
    {
        if (Interlocked.CompareExchange(ref _dropReason, reason, null) is null)
        {
            _queue.Writer.TryComplete();
            _dropped.Cancel();
        }
    }

    public void Dispose() => _dropped.Dispose();
}

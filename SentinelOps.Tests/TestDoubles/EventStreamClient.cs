using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>A real <see cref="ClientWebSocket"/> on <c>/ws/system-events</c> that reads every message in the background, for tests to wait on.</summary>
public sealed class EventStreamClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private EventStreamClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = ReadAsync();
    }

    /// <summary>Every message received so far that a wait has consumed, in order.</summary>
    public List<JsonElement> Seen { get; } = [];

    public WebSocketState State => _socket.State;

    public static async Task<EventStreamClient> ConnectAsync(Uri gateway, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        var builder = new UriBuilder(gateway) { Scheme = gateway.Scheme == "https" ? "wss" : "ws", Path = "/ws/system-events" };
        if (lastEventId is not null)
        {
            builder.Query = "last_event_id=" + Uri.EscapeDataString(lastEventId);
        }

        var socket = new ClientWebSocket();
        await socket.ConnectAsync(builder.Uri, cancellationToken);
        return new EventStreamClient(socket);
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) for the next message matching <paramref name="match"/>, consuming those before it.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(cancel.Token);
                Seen.Add(message);
                if (match(message))
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No {what} within {timeout}; saw: {string.Join(" | ", Seen.Select(m => m.GetRawText()))}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The WebSocket closed before {what}; saw: {string.Join(" | ", Seen.Select(m => m.GetRawText()))}");
        }
    }

    /// <summary>Waits for an event of <paramref name="eventType"/> whose payload satisfies <paramref name="payload"/>.</summary>
    public Task<JsonElement> WaitForEventAsync(string eventType, Func<JsonElement, bool> payload, TimeSpan timeout, string what) =>
        WaitForAsync(m => m.GetProperty("event_type").GetString() == eventType && payload(m.GetProperty("payload")), timeout, what);

    /// <summary>Messages already received and not yet consumed, without waiting.</summary>
    public List<JsonElement> Drain()
    {
        var drained = new List<JsonElement>();
        while (_messages.Reader.TryRead(out var message))
        {
            Seen.Add(message);
            drained.Add(message);
        }

        return drained;
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "test done", timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Already gone.
        }

        await _stop.CancelAsync();
        try
        {
            await _reading;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // Stopped.
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    JsonElement parsed;
                    try
                    {
                        parsed = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                    }
                    catch (JsonException ex)
                    {
                        // A frame that is not JSON fails whoever reads the next message, not the disposal.
                        _messages.Writer.TryComplete(new InvalidDataException("The server sent a frame that is not JSON: " + Encoding.UTF8.GetString(message.ToArray()), ex));
                        return;
                    }

                    _messages.Writer.TryWrite(parsed);
                    message.SetLength(0);
                }
            }
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }
}

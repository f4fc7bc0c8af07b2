using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using SentinelOps.Shared.Events;
using StackExchange.Redis;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// Serves one accepted WebSocket: a <c>system</c> greeting, then (when resuming) the incidents it missed, then live events
/// until either side closes or the client is dropped.
/// </summary>
/// <remarks>
/// The resume seam: the client is registered with the hub <em>before</em> the backlog is read, so an incident stored while
/// the backlog is being read is either in the backlog or queued live (no gap); live incidents whose id is not after the
/// last one sent from the backlog are skipped (no duplicate).
/// </remarks>
internal sealed partial class SystemEventsConnection(
    SystemEventsHub hub,
    IIncidentBacklog backlog,
    IOptions<SystemEventsOptions> options,
    TimeProvider timeProvider,
    ILogger<SystemEventsConnection> logger,
    IOptions<Security.WebSocketSecurityOptions>? security = null)
{
    /// <summary>The drop reason of a client that sent a message over <c>Gateway:WebSocket:MaxMessageBytes</c>.</summary>
    public const string MessageTooBigReason = "message_too_big";

    /// <summary>The drop reason of a client whose missed incidents could not be read (Redis unreachable): it may reconnect to try again.</summary>
    public const string ResumeUnavailableReason = "resume_unavailable";

    /// <summary>Runs the connection to its end. <paramref name="client"/> is registered with the hub already; this unregisters it.</summary>
    public async Task RunAsync(WebSocket socket, SystemEventsClient client, string? lastEventId, CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, client.Dropped);

        // Not stopped by a drop: cancelling a pending receive aborts the socket, so the client would never be told why.
        // It ends with the client's close frame, the request, or (in finally) after CloseTimeout.
        var receiving = ReceiveUntilClosedAsync(socket, client, security?.Value.MaxMessageBytes ?? int.MaxValue, aborted);
        try
        {
            LogConnected(client.Id, hub.Count, lastEventId);
            await SendAsync(socket, System("connected", lastEventId), stop.Token);

            StreamId? resumedUpTo = null;
            if (lastEventId is not null)
            {
                IReadOnlyList<Incident> missed;
                try
                {
                    missed = await backlog.ReadAfterAsync(lastEventId, options.Value.MaxResumedIncidents, stop.Token);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // Live events alone would hide the gap: say so and close; the client reconnects to try again.
                    LogResumeFailed(client.Id, lastEventId, ex.GetType().Name);
                    client.Drop(ResumeUnavailableReason);
                    return;
                }

                foreach (var incident in missed)
                {
                    await SendAsync(socket, EncodedEvent.FromIncident(incident), stop.Token);
                    if (StreamId.TryParse(incident.Id, out var sent))
                    {
                        resumedUpTo = sent;
                    }
                }

                LogResumed(client.Id, missed.Count, lastEventId);
            }

            await foreach (var message in client.Queue.ReadAllAsync(stop.Token))
            {
                if (resumedUpTo is { } upTo && message.EventType == EventTypes.Incident
                    && StreamId.TryParse(message.Id, out var id) && id <= upTo)
                {
                    continue; // sent from the backlog already
                }

                await SendAsync(socket, message, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Closed by the client, dropped, or the request aborted: said and done below.
        }
        catch (WebSocketException)
        {
            // The connection broke.
        }
        finally
        {
            hub.Disconnect(client);
            await CloseAsync(socket, client);
            await WaitForReceiveLoopAsync(socket, receiving);
            LogDisconnected(client.Id, client.DropReason ?? "closed");
            client.Dispose();
        }
    }

    private EncodedEvent System(string message, string? lastEventId = null, string? reason = null) =>
        EncodedEvent.Create(EventTypes.System, new SystemMessage(message, hub.Count, lastEventId, reason), timeProvider.GetUtcNow());

    // Reads (and ignores) what the client sends, so its close frame is seen; a close ends the connection, and so does a
    // message longer than the configured maximum (Gateway:WebSocket:MaxMessageBytes).
    private static async Task ReceiveUntilClosedAsync(WebSocket socket, SystemEventsClient client, int maxMessageBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        var messageBytes = 0L;
        try
        {
            // After the server's close frame (CloseSent) the client's answer is still to be read.
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                messageBytes += result.Count;
                if (messageBytes > maxMessageBytes)
                {
                    client.Drop(MessageTooBigReason);
                    return;
                }

                if (result.EndOfMessage)
                {
                    messageBytes = 0;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Aborted or broken: the sender handles it.
        }

        client.Drop("client_closed");
    }

    private async Task CloseAsync(WebSocket socket, SystemEventsClient client)
    {
        using var timeout = new CancellationTokenSource(options.Value.CloseTimeout, timeProvider);
        try
        {
            var reason = client.DropReason;
            if (socket.State == WebSocketState.Open && reason is not "client_closed")
            {
                // A disconnect the server decides is announced first (the queue is bypassed: it may be full).
                await SendAsync(socket, System("disconnected", reason: reason ?? "server_closing"), timeout.Token);
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                var status = reason switch
                {
                    SystemEventsHub.SlowClientReason => WebSocketCloseStatus.PolicyViolation,
                    MessageTooBigReason => WebSocketCloseStatus.MessageTooBig,
                    ResumeUnavailableReason => WebSocketCloseStatus.InternalServerError,
                    _ => WebSocketCloseStatus.NormalClosure,
                };
                await socket.CloseOutputAsync(status, reason, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    // The receive loop ends when the client answers the close; a client that never does is not waited for longer
    // than CloseTimeout, so a connection cannot outlive its close.
    private async Task WaitForReceiveLoopAsync(WebSocket socket, Task receiving)
    {
        try
        {
            await receiving.WaitAsync(options.Value.CloseTimeout, timeProvider);
        }
        catch (TimeoutException)
        {
            socket.Abort(); // ends the pending receive
            await receiving;
        }
    }

    private static ValueTask SendAsync(WebSocket socket, EncodedEvent message, CancellationToken cancellationToken) =>
        socket.SendAsync(message.Utf8Json, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>The <c>system</c> payload.</summary>
    /// <param name="Message"><c>connected</c> or <c>disconnected</c>.</param>
    /// <param name="Connections">Clients of this replica now.</param>
    /// <param name="LastEventId">On connect: the id the client resumes after, if any.</param>
    /// <param name="Reason">On disconnect: why (<c>slow_client</c>, <c>server_closing</c>, <c>message_too_big</c>, <c>resume_unavailable</c>).</param>
    internal sealed record SystemMessage(string Message, int Connections, string? LastEventId = null, string? Reason = null);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket client {ClientId} connected ({Connections} now), resuming after {LastEventId}")]
    private partial void LogConnected(long clientId, int connections, string? lastEventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket client {ClientId} resumed with {Count} missed incident(s) after {LastEventId}")]
    private partial void LogResumed(long clientId, int count, string lastEventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WebSocket client {ClientId} could not resume after {LastEventId}: the incident stream is unreachable ({Error}); closing it")]
    private partial void LogResumeFailed(long clientId, string lastEventId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "WebSocket client {ClientId} disconnected ({Reason})")]
    private partial void LogDisconnected(long clientId, string reason);
}

using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MsOptions = Microsoft.Extensions.Options.Options;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Security;
using SentinelOps.Shared.Events;
using SentinelOps.Tests.TestDoubles;
using StackExchange.Redis;

namespace SentinelOps.Tests.Gateway.Events;

/// <summary>One WebSocket connection's life, over a real WebSocket on loopback TCP.</summary>
public sealed class SystemEventsConnectionTests
{
    [Fact]
    public async Task Resume_SendsTheMissedIncidentsInOrder_ThenLiveOnes_WithoutDuplicatesAtTheSeam()
    {
        var hub = SystemEventsHubTests.CreateHub();
        // While the backlog is read, incident 3 (already in it) and incident 4 (stored after the read) arrive live.
        var backlog = new FakeBacklog(hub, stored: [Incident("1-0"), Incident("2-0"), Incident("3-0")], arrivingDuringRead: [Incident("3-0"), Incident("4-0")]);
        using var pair = await WebSocketPair.CreateAsync();
        Assert.True(hub.TryConnect(out var client));

        var run = Create(hub, backlog).RunAsync(pair.Server, client!, "0-5", CancellationToken.None);

        var greeting = await Receive(pair);
        Assert.Equal("system", greeting.GetProperty("event_type").GetString());
        Assert.Equal("connected", greeting.GetProperty("payload").GetProperty("message").GetString());
        Assert.Equal("0-5", greeting.GetProperty("payload").GetProperty("last_event_id").GetString());
        string[] ids = [Id(await Receive(pair)), Id(await Receive(pair)), Id(await Receive(pair)), Id(await Receive(pair))];
        Assert.Equal(["1-0", "2-0", "3-0", "4-0"], ids);
        Assert.Equal("0-5", backlog.AskedAfter);

        hub.Broadcast(EncodedEvent.FromIncident(Incident("5-0")));
        Assert.Equal("5-0", Id(await Receive(pair)));

        await pair.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, hub.Count);
    }

    [Fact]
    public async Task IncidentPayload_IsTheSnakeCaseIncident()
    {
        var hub = SystemEventsHubTests.CreateHub();
        using var pair = await WebSocketPair.CreateAsync();
        Assert.True(hub.TryConnect(out var client));
        var run = Create(hub, new FakeBacklog(hub, [], [])).RunAsync(pair.Server, client!, null, CancellationToken.None);
        await Receive(pair);

        hub.Broadcast(EncodedEvent.FromIncident(Incident("7-1") with { TraceId = "abc" }));

        var message = await Receive(pair);
        Assert.Equal("incident", message.GetProperty("event_type").GetString());
        Assert.Equal("7-1", message.GetProperty("id").GetString());
        var payload = message.GetProperty("payload");
        Assert.Equal("provider_down", payload.GetProperty("type").GetString());
        Assert.Equal("primary", payload.GetProperty("provider").GetString());
        Assert.Equal("abc", payload.GetProperty("trace_id").GetString());
        Assert.Equal("7-1", payload.GetProperty("id").GetString());

        await pair.Client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task SlowClient_IsToldWhy_AndClosedWithPolicyViolation()
    {
        var hub = SystemEventsHubTests.CreateHub(capacity: 2);
        using var pair = await WebSocketPair.CreateAsync();
        Assert.True(hub.TryConnect(out var client));
        var run = Create(hub, new FakeBacklog(hub, [], [])).RunAsync(pair.Server, client!, null, CancellationToken.None);
        await Receive(pair); // greeting

        // The client reads nothing more; the server's socket buffers fill, then its queue: it is dropped.
        var payload = new string('x', 64 * 1024);
        for (var i = 0; i < 200 && client!.DropReason is null; i++)
        {
            hub.Broadcast(EncodedEvent.Create(EventTypes.Metrics, new { payload }, DateTimeOffset.UnixEpoch));
            await Task.Delay(5);
        }

        Assert.Equal(SystemEventsHub.SlowClientReason, client!.DropReason);
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, hub.Count);
    }

    [Fact]
    public async Task ARedisErrorWhileResuming_IsToldToTheClient_AndTheSocketClosedCleanly()
    {
        var hub = SystemEventsHubTests.CreateHub();
        using var pair = await WebSocketPair.CreateAsync();
        Assert.True(hub.TryConnect(out var client));

        var run = Create(hub, new FailingBacklog()).RunAsync(pair.Server, client!, "1-0", CancellationToken.None);

        Assert.Equal("connected", (await Receive(pair)).GetProperty("payload").GetProperty("message").GetString());
        var farewell = (await Receive(pair)).GetProperty("payload");
        Assert.Equal("disconnected", farewell.GetProperty("message").GetString());
        Assert.Equal(SystemEventsConnection.ResumeUnavailableReason, farewell.GetProperty("reason").GetString());
        Assert.Null(await WebSocketPair.ReceiveJsonAsync(pair.Client));
        Assert.Equal(WebSocketCloseStatus.InternalServerError, pair.Client.CloseStatus);
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10)); // does not throw
        Assert.Equal(WebSocketState.Closed, pair.Server.State);
        Assert.Equal(0, hub.Count);
    }

    [Fact]
    public async Task AClientThatNeverAnswersTheClose_IsLetGoAfterTheCloseTimeout()
    {
        var hub = SystemEventsHubTests.CreateHub();
        var time = new TimerCountingFakeTimeProvider();
        using var pair = await WebSocketPair.CreateAsync();
        Assert.True(hub.TryConnect(out var client));
        var run = Create(hub, new FailingBacklog(), time).RunAsync(pair.Server, client!, "1-0", CancellationToken.None);

        // The client reads the greeting, the farewell and the close frame, but never sends its own close frame.
        await Receive(pair);
        await Receive(pair);
        Assert.Null(await WebSocketPair.ReceiveJsonAsync(pair.Client));
        await FakeTime.WaitUntilAsync(() => time.TimersCreated >= 2); // the close's timeout, then the wait for the client's

        await FakeTime.AssertCompletesAfterAsync(time, run, TimeSpan.FromSeconds(1));
        await run;
        Assert.Equal(0, hub.Count);
    }

    [Fact]
    public async Task AServerSideDrop_IsToldToTheClient_BeforeTheClose()
    {
        var hub = SystemEventsHubTests.CreateHub();
        using var pair = await WebSocketPair.CreateAsync();
        Assert.True(hub.TryConnect(out var client));
        var run = Create(hub, new FakeBacklog(hub, [], [])).RunAsync(pair.Server, client!, null, CancellationToken.None);
        await Receive(pair); // greeting

        hub.DropAll("server_closing");

        var farewell = (await Receive(pair)).GetProperty("payload");
        Assert.Equal("server_closing", farewell.GetProperty("reason").GetString());
        Assert.Null(await WebSocketPair.ReceiveJsonAsync(pair.Client));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, pair.Client.CloseStatus);
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketState.Closed, pair.Server.State);
    }

    [Fact]
    public async Task AMessageOverTheLimit_IsAnswered_AndClosedWithMessageTooBig()
    {
        var hub = SystemEventsHubTests.CreateHub();
        using var pair = await WebSocketPair.CreateAsync();
        Assert.True(hub.TryConnect(out var client));
        var security = MsOptions.Create(new WebSocketSecurityOptions { MaxMessageBytes = 16 });
        var run = Create(hub, new FakeBacklog(hub, [], []), security: security).RunAsync(pair.Server, client!, null, CancellationToken.None);
        await Receive(pair); // greeting

        await pair.Client.SendAsync(new byte[64], WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        var farewell = await Receive(pair);
        Assert.Equal("disconnected", farewell.GetProperty("payload").GetProperty("message").GetString());
        Assert.Equal("message_too_big", farewell.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Null(await WebSocketPair.ReceiveJsonAsync(pair.Client));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, pair.Client.CloseStatus);
        await pair.Client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static SystemEventsConnection Create(
        SystemEventsHub hub, IIncidentBacklog backlog, TimeProvider? time = null, IOptions<WebSocketSecurityOptions>? security = null) => new(
        hub, backlog, MsOptions.Create(new SystemEventsOptions { CloseTimeout = TimeSpan.FromSeconds(1) }), time ?? TimeProvider.System,
        NullLogger<SystemEventsConnection>.Instance, security);

    private static async Task<JsonElement> Receive(WebSocketPair pair) =>
        await WebSocketPair.ReceiveJsonAsync(pair.Client) ?? throw new InvalidOperationException("closed");

    private static string Id(JsonElement message) => message.GetProperty("id").GetString()!;

    private static Incident Incident(string id) =>
        new(id, IncidentType.ProviderDown, "primary", DateTimeOffset.UnixEpoch, "probe failed", Source: "monitor");

    private sealed class FailingBacklog : IIncidentBacklog
    {
        public Task<IReadOnlyList<Incident>> ReadAfterAsync(string lastEventId, int limit, CancellationToken cancellationToken) =>
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection is active/available to service this operation.");
    }

    private sealed class FakeBacklog(SystemEventsHub hub, Incident[] stored, Incident[] arrivingDuringRead) : IIncidentBacklog
    {
        public string? AskedAfter { get; private set; }

        public Task<IReadOnlyList<Incident>> ReadAfterAsync(string lastEventId, int limit, CancellationToken cancellationToken)
        {
            AskedAfter = lastEventId;
            foreach (var incident in arrivingDuringRead)
            {
                hub.Broadcast(EncodedEvent.FromIncident(incident));
            }

            return Task.FromResult<IReadOnlyList<Incident>>(stored);
        }
    }
}

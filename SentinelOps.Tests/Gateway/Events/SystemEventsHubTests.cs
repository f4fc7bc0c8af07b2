using Microsoft.Extensions.Logging.Abstractions;
using MsOptions = Microsoft.Extensions.Options.Options;
using SentinelOps.Gateway.Events;
using SentinelOps.Shared.Events;

namespace SentinelOps.Tests.Gateway.Events;

public sealed class SystemEventsHubTests
{
    [Fact]
    public void Broadcast_QueuesTheSameEncodedEventForEveryClient()
    {
        var hub = CreateHub();
        Assert.True(hub.TryConnect(out var first));
        Assert.True(hub.TryConnect(out var second));
        var message = EncodedEvent.Create(EventTypes.Metrics, new { total_requests = 1 }, DateTimeOffset.UnixEpoch);

        hub.Broadcast(message);

        Assert.True(first!.Queue.TryRead(out var got1));
        Assert.True(second!.Queue.TryRead(out var got2));
        Assert.Same(message, got1);
        Assert.Same(message, got2);
    }

    [Fact]
    public void SlowClient_IsDroppedWhenItsQueueIsFull_OthersKeepReceiving()
    {
        var hub = CreateHub(capacity: 3);
        Assert.True(hub.TryConnect(out var slow));
        Assert.True(hub.TryConnect(out var fast));

        for (var i = 0; i < 10; i++)
        {
            hub.Broadcast(EncodedEvent.Create(EventTypes.Heartbeat, new { i }, DateTimeOffset.UnixEpoch));
            Assert.True(fast!.Queue.TryRead(out _));
        }

        Assert.Equal(SystemEventsHub.SlowClientReason, slow!.DropReason);
        Assert.True(slow.Dropped.IsCancellationRequested);
        Assert.Equal(3, slow.Queue.Count); // bounded: nothing queued past capacity
        Assert.Null(fast!.DropReason);
    }

    [Fact]
    public void Connections_AreCapped_AndASlotFreesOnDisconnect()
    {
        var hub = CreateHub(maxConnections: 2);
        Assert.True(hub.TryConnect(out var first));
        Assert.True(hub.TryConnect(out _));

        Assert.False(hub.TryConnect(out var refused));
        Assert.Null(refused);
        Assert.Equal(2, hub.Count);

        hub.Disconnect(first!);
        hub.Disconnect(first!); // idempotent
        Assert.Equal(1, hub.Count);
        Assert.True(hub.TryConnect(out _));
    }

    [Fact]
    public void Parse_KeepsThePublishedBytes_AndReadsTheEventOnce()
    {
        var published = """{"event_type":"incident","payload":{"id":"5-0","type":"provider_down"},"timestamp":"2026-11-28T12:00:00+00:00","id":"5-0"}"""u8.ToArray();

        var parsed = PublishedEvent.Parse(published);

        Assert.Equal("incident", parsed.Encoded.EventType);
        Assert.Equal("5-0", parsed.Encoded.Id);
        Assert.True(parsed.Encoded.Utf8Json.Span.SequenceEqual(published));
        Assert.Equal(("incident", "5-0"), (parsed.Event.EventType, parsed.Event.Id));
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), parsed.Event.Timestamp);
        Assert.Equal("provider_down", parsed.Event.Payload.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("""{"payload":{}}""")]
    [InlineData("""{"event_type":3}""")]
    [InlineData("[]")]
    public void Parse_RefusesWhatIsNotAnEvent(string message) =>
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => PublishedEvent.Parse(System.Text.Encoding.UTF8.GetBytes(message)));

    [Theory]
    [InlineData("1732800000000-0", true)]
    [InlineData("1732800000000", true)]
    [InlineData("1732800000000-12", true)]
    [InlineData("abc", false)]
    [InlineData("1-2-3", false)]
    [InlineData("-1", false)]
    [InlineData("", false)]
    public void StreamIds_Parse(string text, bool valid) => Assert.Equal(valid, StreamId.TryParse(text, out _));

    [Fact]
    public void StreamIds_OrderAsRedisDoes()
    {
        Assert.True(Id("10-1") > Id("10-0"));
        Assert.True(Id("11-0") > Id("10-99"));
        Assert.True(Id("9-0") < Id("10-0")); // numeric, not lexical
        Assert.True(Id("10") <= Id("10-0"));
    }

    internal static SystemEventsHub CreateHub(int capacity = 16, int maxConnections = 10) => new(
        MsOptions.Create(new SystemEventsOptions { ClientQueueCapacity = capacity, MaxConnections = maxConnections }),
        NullLogger<SystemEventsHub>.Instance);

    private static StreamId Id(string text) => StreamId.TryParse(text, out var id) ? id : throw new FormatException(text);
}

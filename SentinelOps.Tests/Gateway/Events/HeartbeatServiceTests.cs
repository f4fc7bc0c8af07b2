using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;
using SentinelOps.Gateway.Events;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Events;

public sealed class HeartbeatServiceTests
{
    [Fact]
    public async Task Heartbeat_ArrivesEveryInterval_OnTheFakeClock()
    {
        var time = new TimerCountingFakeTimeProvider();
        time.SetUtcNow(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var interval = TimeSpan.FromSeconds(30);
        var hub = SystemEventsHubTests.CreateHub();
        Assert.True(hub.TryConnect(out var client));
        using var service = new HeartbeatService(hub, MsOptions.Create(new SystemEventsOptions { HeartbeatInterval = interval }), time);

        await service.StartAsync(CancellationToken.None);
        await FakeTime.WaitUntilAsync(() => time.TimersCreated > 0);

        var first = client!.Queue.ReadAsync().AsTask();
        await FakeTime.AssertCompletesAfterAsync(time, first, interval);
        var second = client.Queue.ReadAsync().AsTask();
        await FakeTime.AssertCompletesAfterAsync(time, second, interval);

        var message = JsonDocument.Parse((await second).Utf8Json).RootElement;
        Assert.Equal("heartbeat", message.GetProperty("event_type").GetString());
        Assert.Equal(1, message.GetProperty("payload").GetProperty("connections").GetInt32());
        Assert.Equal(30, message.GetProperty("payload").GetProperty("interval_seconds").GetDouble());
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 12, 1, 0, TimeSpan.Zero), message.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("id").ValueKind);

        await service.StopAsync(CancellationToken.None);
    }
}

using SentinelOps.Shared.Events;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Shared.Events;

public sealed class IncidentReaderTests
{
    [Fact]
    public async Task ReadsNewestFirst_FiltersByType_AndResumesAfterAnId()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await EventsHost.StartAsync(redis.ConnectionString);
        var types = new[] { IncidentType.ProviderDown, IncidentType.CircuitOpened, IncidentType.FailoverTriggered };
        for (var i = 0; i < 150; i++)
        {
            host.Sink.RecordIncident(new Incident(string.Empty, types[i % 3], "primary", DateTimeOffset.UtcNow, $"#{i}"));
        }

        await host.WaitUntilFlushedAsync(TimeSpan.FromSeconds(30));

        var latest = await host.Reader.GetLatestAsync(5);
        Assert.Equal(["#149", "#148", "#147", "#146", "#145"], latest.Select(i => i.Detail));

        // Filtering pages back past the first page of 100 entries.
        var downs = await host.Reader.GetLatestAsync(45, IncidentType.ProviderDown);
        Assert.Equal(45, downs.Count);
        Assert.All(downs, i => Assert.Equal(IncidentType.ProviderDown, i.Type));
        Assert.Equal("#147", downs[0].Detail);
        Assert.Equal("#15", downs[^1].Detail);
        Assert.Equal(50, (await host.Reader.GetLatestAsync(500, IncidentType.ProviderDown)).Count);

        var after = await host.Reader.GetAfterAsync(latest[3].Id);
        Assert.Equal(["#147", "#148", "#149"], after.Select(i => i.Detail));
        Assert.Empty(await host.Reader.GetAfterAsync(latest[0].Id));
    }

    [Fact]
    public async Task ResumingAfterTheLargestId_IsEmpty_NotARedisError()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var host = await EventsHost.StartAsync(redis.ConnectionString);
        host.Sink.RecordIncident(new Incident(string.Empty, IncidentType.ProviderDown, "primary", DateTimeOffset.UtcNow, "#0"));
        await host.WaitUntilFlushedAsync(TimeSpan.FromSeconds(30));

        // Redis refuses an exclusive range starting at the largest id: nothing can come after it.
        Assert.Empty(await host.Reader.GetAfterAsync("18446744073709551615-18446744073709551615"));
        Assert.Empty(await host.Reader.GetAfterAsync("18446744073709551615-0"));
        Assert.Single(await host.Reader.GetAfterAsync("0-18446744073709551615"));
    }

    [Theory]
    [InlineData("1732790000000-0", true)]
    [InlineData("0-1", true)]
    [InlineData("18446744073709551615-18446744073709551615", true)]
    [InlineData("18446744073709551616-0", false)] // each part is a 64-bit unsigned integer: Redis refuses more
    [InlineData("99999999999999999999-0", false)]
    [InlineData("0-99999999999999999999", false)]
    [InlineData("abc", false)]
    [InlineData("1732790000000", false)]
    [InlineData("-", false)]
    [InlineData("1-2-3", false)]
    [InlineData(null, false)]
    public void ValidatesStreamIds(string? id, bool valid) => Assert.Equal(valid, IncidentReader.IsValidId(id));
}

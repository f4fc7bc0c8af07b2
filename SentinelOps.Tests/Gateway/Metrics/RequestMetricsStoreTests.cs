using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Tests.TestDoubles;
using StackExchange.Redis;

namespace SentinelOps.Tests.Gateway.Metrics;

/// <summary><see cref="RequestMetricsStore"/> against a real redis-server that is stopped and started again.</summary>
public sealed class RequestMetricsStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly RequestCounters _counters = new(["primary", "fallback"]);
    private RedisServer _redis = null!;
    private ServiceProvider _services = null!;
    private RequestMetricsStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var multiplexer = await ConnectionMultiplexer.ConnectAsync($"{_redis.ConnectionString},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000");
        _services = new ServiceCollection().AddSingleton<IConnectionMultiplexer>(multiplexer).BuildServiceProvider();
        _store = new RequestMetricsStore(_counters, _services, TimeProvider.System, NullLogger<RequestMetricsStore>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ABatchFlushedBeforeAnyRead_IsStillCounted_WhileRedisIsDown()
    {
        CountSuccess();
        Assert.True(await _store.FlushAsync(CancellationToken.None));
        await _redis.StopAsync();
        CountSuccess();

        var (totals, available) = await _store.ReadTotalsAsync(CancellationToken.None);

        Assert.False(available);
        Assert.Equal(2, totals.Requests);
        Assert.Equal(2, totals.Providers["primary"].Successes);
    }

    [Fact]
    public async Task CountsMadeWhileRedisIsDown_AreFlushedOnce_WhenItReturns()
    {
        CountSuccess();
        Assert.True(await _store.FlushAsync(CancellationToken.None));
        Assert.Equal(1, (await _store.ReadTotalsAsync(CancellationToken.None)).Totals.Requests);
        await _redis.StopAsync();
        CountSuccess();
        _counters.RecordFailure([], cancelled: false);
        Assert.False(await _store.FlushAsync(CancellationToken.None));
        Assert.Equal(3, (await _store.ReadTotalsAsync(CancellationToken.None)).Totals.Requests);

        await _redis.StartAgainAsync();
        using var deadline = new CancellationTokenSource(Timeout);
        while (!await _store.FlushAsync(deadline.Token))
        {
            await Task.Delay(100, deadline.Token);
        }

        var (totals, available) = await _store.ReadTotalsAsync(CancellationToken.None);
        Assert.True(available);
        Assert.Equal(3, totals.Requests);
        Assert.Equal(1, totals.Failures);
        using var reader = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        Assert.Equal(3, (long)await reader.GetDatabase().HashGetAsync("sentinel:metrics", "total_requests"));
    }

    private void CountSuccess() => _counters.RecordSuccess("primary", [], TimeSpan.FromMilliseconds(20));
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Metrics;
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
    private readonly List<ServiceProvider> _disposables = [];
    private RequestMetricsStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var multiplexer = await ConnectionMultiplexer.ConnectAsync($"{_redis.ConnectionString},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000");
        _services = new ServiceCollection().AddSingleton<IConnectionMultiplexer>(multiplexer).BuildServiceProvider();
        _store = new RequestMetricsStore(_counters, _services, TimeProvider.System, Options.Create(new GatewayEventsOptions()), NullLogger<RequestMetricsStore>.Instance);
    }

    public async Task DisposeAsync()
    {
        foreach (var services in _disposables)
        {
            await services.DisposeAsync();
        }

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

    [Fact]
    public async Task ReadsWithinASecond_ShareOneRedisRead_TheFirstAfterRefreshes()
    {
        var time = new FakeTimeProvider();
        var store = await CreateStoreAsync(time);
        CountSuccess();
        Assert.Equal(1, (await store.ReadTotalsAsync(CancellationToken.None)).Totals.Requests);

        // Another replica's counts land in Redis; this replica counts one more request.
        using var otherReplica = await _redis.ConnectAsync();
        await otherReplica.GetDatabase().HashIncrementAsync(RedisKeys.Metrics, RequestMetricsFields.TotalRequests, 100);
        CountSuccess();
        time.Advance(TimeSpan.FromMilliseconds(999));

        // Within the second, the Redis totals read last stand; this replica's own counts are always current.
        var (cached, available) = await store.ReadTotalsAsync(CancellationToken.None);
        Assert.True(available);
        Assert.Equal(2, cached.Requests);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(102, (await store.ReadTotalsAsync(CancellationToken.None)).Totals.Requests);
    }

    [Fact]
    public async Task ReadsWhileAFlushHangs_DoNotWaitForIt_AndCountTheBatchInFlight()
    {
        var time = new FakeTimeProvider();
        var store = await CreateStoreAsync(time);
        CountSuccess();
        Assert.True(await store.FlushAsync(CancellationToken.None));
        Assert.Equal(1, (await store.ReadTotalsAsync(CancellationToken.None)).Totals.Requests);
        CountSuccess();

        await _redis.FreezeAsync();
        try
        {
            var flush = store.FlushAsync(CancellationToken.None);
            await FakeTime.WaitUntilAsync(() => !_counters.Peek().Any()); // the flush has taken its batch and waits on Redis

            // Fresh totals, then totals past their second (the refresh cannot start while the flush talks to Redis).
            await AssertReadsAnswerAtOnceAsync(store, expectedRequests: 2);
            time.Advance(TimeSpan.FromSeconds(1));
            await AssertReadsAnswerAtOnceAsync(store, expectedRequests: 2);
            Assert.False(flush.IsCompleted);

            await _redis.ThawAsync();
            Assert.True(await flush.WaitAsync(Timeout));
        }
        finally
        {
            await _redis.ThawAsync();
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var (totals, available) = await store.ReadTotalsAsync(CancellationToken.None);
        Assert.True(available);
        Assert.Equal(2, totals.Requests);
    }

    [Fact]
    public async Task AFlushRedisDoesNotAnswer_GivesUpAtTheFlushTimeout_AndTheBatchIsStillCountedOnce()
    {
        var time = new TimerCountingFakeTimeProvider();
        var store = await CreateStoreAsync(time);
        CountSuccess();

        await _redis.FreezeAsync();
        try
        {
            var timers = time.TimersCreated;
            var flush = store.FlushAsync(CancellationToken.None);
            await FakeTime.WaitUntilAsync(() => time.TimersCreated > timers);
            time.Advance(TimeSpan.FromSeconds(2));
            Assert.False(await flush.WaitAsync(Timeout));
        }
        finally
        {
            // The abandoned flush reaches Redis now; retrying the same batch must not count it again.
            await _redis.ThawAsync();
        }

        using var deadline = new CancellationTokenSource(Timeout);
        while (!await store.FlushAsync(deadline.Token))
        {
            await Task.Delay(100, deadline.Token);
        }

        time.Advance(TimeSpan.FromSeconds(1));
        var (totals, available) = await store.ReadTotalsAsync(CancellationToken.None);
        Assert.True(available);
        Assert.Equal(1, totals.Requests);
        using var reader = await _redis.ConnectAsync();
        Assert.Equal(1, (long)await reader.GetDatabase().HashGetAsync(RedisKeys.Metrics, RequestMetricsFields.TotalRequests));
    }

    private static async Task AssertReadsAnswerAtOnceAsync(RequestMetricsStore store, long expectedRequests)
    {
        var reads = Enumerable.Range(0, 5).Select(_ => store.ReadTotalsAsync(CancellationToken.None)).ToArray();
        await Task.WhenAll(reads).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(reads, read => Assert.Equal(expectedRequests, read.Result.Totals.Requests));
    }

    // A store on its own connection whose commands wait for as long as Redis takes (no client-side timeout of 1 s), over
    // the same counters, with the given clock.
    private async Task<RequestMetricsStore> CreateStoreAsync(TimeProvider time)
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync($"{_redis.ConnectionString},abortConnect=false,connectTimeout=1000,syncTimeout=60000,asyncTimeout=60000");
        var services = new ServiceCollection().AddSingleton<IConnectionMultiplexer>(multiplexer).BuildServiceProvider();
        _disposables.Add(services);
        var options = Options.Create(new GatewayEventsOptions { MetricsFlushTimeout = TimeSpan.FromSeconds(2) });
        return new RequestMetricsStore(_counters, services, time, options, NullLogger<RequestMetricsStore>.Instance);
    }

    private void CountSuccess() => _counters.RecordSuccess("primary", [], TimeSpan.FromMilliseconds(20));
}

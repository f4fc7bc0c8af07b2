using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Shared.Events;
using SentinelOps.Tests.TestDoubles;
using StackExchange.Redis;

namespace SentinelOps.Tests.Gateway.Resilience.SharedCircuits;

/// <summary>
/// Two replicas' services sharing one real redis-server (and one fake clock): an open on one reaches the other as the
/// first one's decision, is never published back, and a trial's verdict closes or reopens the circuit on both.
/// </summary>
public sealed class SharedCircuitsServiceTests : IAsyncLifetime
{
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(30);
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Gateway:CircuitBreaker:FailureThreshold"] = "1",
        ["Gateway:CircuitBreaker:BreakDuration"] = Break.ToString(),
    };

    private readonly FakeTimeProvider _time = new();
    private readonly ConcurrentQueue<JsonElement> _published = new();
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _listener = null!;
    private ReplicaHost _a = null!;
    private ReplicaHost _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _listener = await ConnectionMultiplexer.ConnectAsync($"{_redis.ConnectionString},abortConnect=false");
        await _listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.Circuits), (_, message) =>
            _published.Enqueue(JsonDocument.Parse(message.ToString()).RootElement.Clone()));
        _a = await ReplicaHost.StartAsync("gateway-a", _redis.ConnectionString, _time, Settings);
        _b = await ReplicaHost.StartAsync("gateway-b", _redis.ConnectionString, _time, Settings);
        await FakeTime.WaitUntilAsync(() => _a.Primary.TrialLease is not null && _b.Primary.TrialLease is not null);
        await WaitForSubscribersAsync(3);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _listener.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task AnOpenOnOneReplica_IsAppliedOnTheOther_AndNotEchoed()
    {
        OpenByCount(_a.Primary);

        await FakeTime.WaitUntilAsync(() => _b.Primary.State == CircuitState.Open);
        Assert.Equal("gateway-a", _b.Primary.GetSnapshot().DecidedBy);
        Assert.Equal(_a.Primary.BreakEndsAt, _b.Primary.BreakEndsAt);
        Assert.Equal(_a.Primary.BreakId, _b.Primary.BreakId);
        Assert.False(_b.Primary.WouldPermit());

        // Whatever B does with it, only A's message is ever on the channel.
        await Task.Delay(300);
        var message = Assert.Single(_published);
        Assert.Equal(("gateway-a", "primary", "opened"), (Text(message, "replica"), Text(message, "provider"), Text(message, "decision")));
        Assert.Equal(_a.Primary.BreakId, Text(message, "break_id"));
    }

    [Fact]
    public async Task ATrialsSuccess_ClosesTheCircuitOnBoth_AndItsFailure_ReopensBothForANewBreak()
    {
        OpenByCount(_a.Primary);
        await FakeTime.WaitUntilAsync(() => _b.Primary.State == CircuitState.Open);
        var first = _a.Primary.BreakId;

        // A's trial fails: a new break, on both.
        _time.Advance(Break);
        Assert.True(_a.Primary.TryEnter(out var trial));
        _a.Primary.RecordFailure(trial);
        var second = _a.Primary.BreakId;
        Assert.NotEqual(first, second);
        await FakeTime.WaitUntilAsync(() => _b.Primary.BreakId == second);
        Assert.Equal(CircuitState.Open, _b.Primary.State);
        Assert.Equal(_a.Primary.BreakEndsAt, _b.Primary.BreakEndsAt);

        // A's next trial succeeds: closed on both.
        _time.Advance(Break * 2);
        Assert.True(_a.Primary.TryEnter(out trial));
        _a.Primary.RecordSuccess(trial, TimeSpan.FromMilliseconds(10));
        await FakeTime.WaitUntilAsync(() => _b.Primary.State == CircuitState.Closed);
        Assert.Equal("gateway-a", _b.Primary.GetSnapshot().DecidedBy);

        await Task.Delay(300);
        Assert.Equal(["opened", "opened", "closed"], _published.Select(m => Text(m, "decision")));
        Assert.All(_published, m => Assert.Equal("gateway-a", Text(m, "replica")));
    }

    [Fact]
    public async Task AnOperatorsResetOnOneReplica_ResetsTheOthers_WithoutBeingPublishedBack()
    {
        OpenByCount(_a.Primary);
        await FakeTime.WaitUntilAsync(() => _b.Primary.State == CircuitState.Open);
        var healthB = (ProviderHealthUpdater)_b.Services.GetService(typeof(ProviderHealthUpdater))!;

        healthB.ResetAll("reset by an operator");

        await FakeTime.WaitUntilAsync(() => _a.Primary.State == CircuitState.Closed);
        Assert.Equal("gateway-b", _a.Primary.GetSnapshot().DecidedBy);
        await Task.Delay(300);
        Assert.Equal([("gateway-a", "opened"), ("gateway-b", "closed"), ("gateway-b", "reset")], _published.Select(m => (Text(m, "replica"), Text(m, "decision"))).Order());
    }

    [Fact]
    public async Task RedisDown_EachReplicaKeepsItsOwnCircuits_WithoutBlocking()
    {
        await _redis.StopAsync();
        await FakeTime.WaitUntilAsync(() => !_listener.IsConnected);

        OpenByCount(_a.Primary);
        await Task.Delay(300);
        Assert.Equal(CircuitState.Closed, _b.Primary.State);
        Assert.True(_b.Primary.WouldPermit());

        // The lease answers at once, without Redis and without the clock moving: run your own trial.
        _time.Advance(Break);
        var lease = await _a.Primary.TrialLease!.TryAcquireAsync("primary", _a.Primary.BreakId!, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(lease.RunTrial);
        Assert.True(lease.Unavailable);
    }

    private static void OpenByCount(CircuitBreaker breaker)
    {
        Assert.True(breaker.TryEnter(out var permit));
        breaker.RecordFailure(permit);
        Assert.Equal(CircuitState.Open, breaker.State);
    }

    private static string? Text(JsonElement message, string property) => message.GetProperty(property).GetString();

    // Both replicas' subscriptions (and this test's) are in place before anything is published.
    private async Task WaitForSubscribersAsync(long expected)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var server = _listener.GetServer(_listener.GetEndPoints()[0]);
        while (await server.SubscriptionSubscriberCountAsync(RedisChannel.Literal(RedisKeys.Circuits)) < expected)
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}

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
        // In the order received (a handler subscription would run concurrently): the tests assert the order.
        var queue = await _listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.Circuits));
        queue.OnMessage(message => _published.Enqueue(JsonDocument.Parse(message.Message.ToString()).RootElement.Clone()));
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
        var applied = ChangeHandled(_b.Primary, CircuitState.Open);
        OpenByCount(_a.Primary);

        await applied;
        Assert.Equal("gateway-a", _b.Primary.GetSnapshot().DecidedBy);
        Assert.Equal(_a.Primary.BreakEndsAt, _b.Primary.BreakEndsAt);
        Assert.Equal(_a.Primary.BreakId, _b.Primary.BreakId);
        Assert.False(_b.Primary.WouldPermit());

        // Whatever B does with it, only A's message is on the channel before B's own next decision.
        await FlushAsync(_b.Fallback, "gateway-b", "fallback");
        Assert.Equal([("gateway-a", "primary", "opened"), ("gateway-b", "fallback", "opened")], _published.Select(Decision));
        Assert.Equal(_a.Primary.BreakId, Text(_published.First(), "break_id"));
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
        var closed = ChangeHandled(_b.Primary, CircuitState.Closed);
        _a.Primary.RecordSuccess(trial, TimeSpan.FromMilliseconds(10));
        await closed;
        Assert.Equal("gateway-a", _b.Primary.GetSnapshot().DecidedBy);

        await FlushAsync(_b.Fallback, "gateway-b", "fallback");
        Assert.Equal(
            [("gateway-a", "primary", "opened"), ("gateway-a", "primary", "opened"), ("gateway-a", "primary", "closed"), ("gateway-b", "fallback", "opened")],
            _published.Select(Decision));
    }

    [Fact]
    public async Task AnOperatorsResetOnOneReplica_ResetsTheOthers_WithoutBeingPublishedBack()
    {
        OpenByCount(_a.Primary);
        await FakeTime.WaitUntilAsync(() => _b.Primary.State == CircuitState.Open);
        var healthB = (ProviderHealthUpdater)_b.Services.GetService(typeof(ProviderHealthUpdater))!;
        var afterReset = ChangeHandled(_a.Fallback, CircuitState.Open);

        healthB.ResetAll("reset by an operator");
        OpenByCount(_b.Fallback); // B's next decision: A applies it after the reset

        await afterReset;
        Assert.Equal(CircuitState.Closed, _a.Primary.State);
        Assert.Equal("gateway-b", _a.Primary.GetSnapshot().DecidedBy);
        await FlushAsync(_a.Primary, "gateway-a", "primary");
        Assert.Equal(
            [("gateway-a", "primary", "opened"), ("gateway-b", "primary", "closed"), ("gateway-b", "*", "reset"), ("gateway-b", "fallback", "opened"), ("gateway-a", "primary", "opened")],
            _published.Select(Decision));
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

    private static (string?, string?, string?) Decision(JsonElement message) =>
        (Text(message, "replica"), Text(message, "provider"), Text(message, "decision"));

    // Completes once every handler of the breaker's change to `to` has run: the service's, subscribed at start, first,
    // so whatever the service queued for that change is queued by then.
    private static Task ChangeHandled(CircuitBreaker breaker, CircuitState to)
    {
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        breaker.StateChanged += (_, change) =>
        {
            if (change.To == to)
            {
                handled.TrySetResult();
            }
        };
        return handled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    // Everything replica `id` queued to publish so far has reached the channel: it publishes in order, and its own
    // decision, opening `breaker` (closed until now) here, has arrived.
    private async Task FlushAsync(CircuitBreaker breaker, string id, string provider)
    {
        var opens = _published.Count(m => Decision(m) == (id, provider, "opened"));
        OpenByCount(breaker);
        await FakeTime.WaitUntilAsync(() => _published.Count(m => Decision(m) == (id, provider, "opened")) > opens);
    }

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

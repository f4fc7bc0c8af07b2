using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Resilience.SharedCircuits;
using SentinelOps.Tests.TestDoubles;
using StackExchange.Redis;

namespace SentinelOps.Tests.Gateway.Resilience.SharedCircuits;

/// <summary>
/// The trial lease on a real redis-server: two replicas' breakers (each its own breaker middleware over its own provider
/// client) sharing one Redis send one trial per break between them; Redis gone or hung, each sends its own, unblocked.
/// </summary>
public sealed class RedisCircuitTrialLeaseTests : IAsyncLifetime
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];
    private static readonly TimeSpan Break = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(45);

    private readonly FakeTimeProvider _time = new();
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync($"{_redis.ConnectionString},abortConnect=false,connectRetry=0");
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task TwoReplicasAtABreaksEnd_SendExactlyOneTrial_AndTheOtherRefusesUntilItsVerdict()
    {
        var (a, b) = (Replica("gateway-a"), Replica("gateway-b"));
        OpenTogether(a.Breaker, b.Breaker);
        _time.Advance(Break);

        // Both replicas get a request at the break's end, at once.
        var results = await Task.WhenAll(Call(a), Call(b));

        Assert.Equal(1, a.Provider.Calls + b.Provider.Calls);
        Assert.Single(results, r => r is null);
        var refused = Assert.IsType<CircuitOpenException>(Assert.Single(results, r => r is not null));
        Assert.StartsWith("circuit half-open (trial on replica gateway-", refused.Reason, StringComparison.Ordinal);

        // The loser sends nothing while the winner's lease lasts, however many requests it gets.
        var loser = a.Provider.Calls == 0 ? a : b;
        for (var i = 0; i < 10; i++)
        {
            Assert.IsType<CircuitOpenException>(await Call(loser));
        }

        Assert.Equal(1, a.Provider.Calls + b.Provider.Calls);
        Assert.Equal(CircuitState.HalfOpen, loser.Breaker.State);
    }

    [Fact]
    public async Task RedisStopped_EachReplicaSendsItsOwnTrial_WithoutWaiting()
    {
        var (a, b) = (Replica("gateway-a"), Replica("gateway-b"));
        OpenTogether(a.Breaker, b.Breaker);
        await _redis.StopAsync();
        await FakeTime.WaitUntilAsync(() => !_connection.IsConnected);
        _time.Advance(Break);

        // Fake time stands still: any wait on Redis would never end, so finishing at all shows nothing waited.
        var results = await Task.WhenAll(Call(a), Call(b)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(results, Assert.Null);
        Assert.Equal((1, 1), (a.Provider.Calls, b.Provider.Calls));
        Assert.Equal((CircuitState.Closed, CircuitState.Closed), (a.Breaker.State, b.Breaker.State));
    }

    [Fact]
    public async Task RedisHung_TheTrialWaitsAtMostTheRedisTimeout_ThenGoesAhead()
    {
        var a = Replica("gateway-a");
        OpenTogether(a.Breaker);
        _time.Advance(Break);
        await _redis.FreezeAsync();
        try
        {
            var call = Call(a);
            await FakeTime.AssertCompletesAfterAsync(_time, call, RedisTimeout);

            Assert.Null(await call);
            Assert.Equal(1, a.Provider.Calls);
        }
        finally
        {
            await _redis.ThawAsync();
        }
    }

    [Fact]
    public async Task AClosedCircuitsCall_NeverAsksForTheLease()
    {
        var counting = new CountingLease();
        var breaker = new CircuitBreaker("primary", new CircuitBreakerOptions(), _time) { TrialLease = counting };
        var provider = Answering();
        var client = new CircuitBreakerChatClient(provider, TestHealth.WriterOf(breaker, _time), breaker, _time);

        for (var i = 0; i < 5; i++)
        {
            await client.GetResponseAsync(Prompt);
        }

        Assert.Equal((5, 0), (provider.Calls, counting.Asked));
    }

    private (CircuitBreaker Breaker, TestChatClient Provider, CircuitBreakerChatClient Client) Replica(string id)
    {
        var breaker = new CircuitBreaker("primary", new CircuitBreakerOptions { FailureThreshold = 1, BreakDuration = Break }, _time)
        {
            TrialLease = new RedisCircuitTrialLease(_connection, id, LeaseTime, RedisTimeout, _time, NullLogger.Instance),
        };
        var provider = Answering();
        return (breaker, provider, new CircuitBreakerChatClient(provider, TestHealth.WriterOf(breaker, _time), breaker, _time));
    }

    private static TestChatClient Answering() => new()
    {
        GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))),
    };

    // The first breaker opens by its own count; the others take its break, as shared circuits do.
    private void OpenTogether(CircuitBreaker first, params CircuitBreaker[] others)
    {
        Assert.True(first.TryEnter(out var permit));
        first.RecordFailure(permit);
        foreach (var other in others)
        {
            Assert.True(other.ApplyReplicaOpen("gateway-a", first.BreakId!, _time.GetUtcNow(), first.BreakEndsAt!.Value, "test"));
        }
    }

    private static async Task<Exception?> Call((CircuitBreaker Breaker, TestChatClient Provider, CircuitBreakerChatClient Client) replica)
    {
        try
        {
            await replica.Client.GetResponseAsync(Prompt);
            return null;
        }
        catch (CircuitOpenException ex)
        {
            return ex;
        }
    }

    private sealed class CountingLease : ICircuitTrialLease
    {
        public int Asked { get; private set; }

        public ValueTask<TrialLeaseResult> TryAcquireAsync(string provider, string breakId, CancellationToken cancellationToken)
        {
            Asked++;
            return ValueTask.FromResult(TrialLeaseResult.Granted);
        }
    }
}

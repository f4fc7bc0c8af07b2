using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Routing;
using SentinelOps.Simulator;
using SentinelOps.Tests.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Resilience;

public sealed class RetryChatClientTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    private readonly FakeTimeProvider _time = new();
    private readonly RetryOptions _options = new() { MaxRetryAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(2) };

    [Theory]
    [InlineData(1, 0.0, 0)]
    [InlineData(1, 0.5, 100)]
    [InlineData(2, 0.5, 200)]
    [InlineData(3, 0.999, 799.2)]
    [InlineData(10, 0.999, 1998)]
    public void Backoff_IsFullJitter_UnderAnExponentialCeiling_CappedAtMaxDelay(int retry, double random, double expectedMs)
    {
        var client = new RetryChatClient(new TestChatClient(), _options, _time, () => random);

        Assert.Equal(expectedMs, client.Backoff(retry).TotalMilliseconds, precision: 3);
    }

    [Fact]
    public async Task TransientFailures_AreRetried_AfterTheJitteredBackoff()
    {
        var calls = new List<DateTimeOffset>();
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) =>
            {
                calls.Add(_time.GetUtcNow());
                return calls.Count < 3
                    ? Task.FromException<ChatResponse>(new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable))
                    : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        };
        var client = new RetryChatClient(inner, _options, _time, () => 0.5);

        var pending = client.GetResponseAsync(Prompt);
        await FakeTime.WaitUntilAsync(() => calls.Count == 1);
        await FakeTime.AssertCompletesAfterAsync(_time, WhenCalls(calls, 2), TimeSpan.FromMilliseconds(100));
        await FakeTime.AssertCompletesAfterAsync(_time, WhenCalls(calls, 3), TimeSpan.FromMilliseconds(200));

        Assert.Equal("ok", (await pending).Text);
        Assert.Equal(3, calls.Count);
    }

    [Fact]
    public async Task RetryAfter_FromTheProvider_IsHonoured()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await simulator.SetFaultAsync(new { mode = "rate_limited", retry_after_seconds = 1, requests = 1 });
        var time = new TimerCountingFakeTimeProvider();
        var client = new RetryChatClient(SimulatorProtocolTests.CreateRealClient(simulator), _options, time, () => 0.5);

        var pending = client.GetResponseAsync(Prompt);

        // The 429 travels over real HTTP: wait until the retry's delay is armed before moving the clock.
        await FakeTime.WaitUntilAsync(() => time.TimersCreated == 1);
        await FakeTime.AssertCompletesAfterAsync(time, pending, TimeSpan.FromSeconds(1));
        Assert.NotEmpty((await pending).Text);
        Assert.Equal(2, (await simulator.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task RetryAfterLongerThanMaxDelay_IsNotWaitedFor_SoTheCallerCanFailOver()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await simulator.SetFaultAsync(new { mode = "rate_limited", retry_after_seconds = 30 });

        var provider = SimulatorProtocolTests.CreateRealClient(simulator);
        var client = new RetryChatClient(provider, _options, _time);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal(429, ex.Status);
        Assert.Equal(1, (await simulator.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task ABackoffThatWouldPassTheDeadline_EndsTheRetries()
    {
        var inner = TestChatClient.Throwing(new HttpRequestException("busy", null, HttpStatusCode.BadGateway));
        var client = new RetryChatClient(inner, _options, _time, () => 0.99);
        RequestDeadline.Enter(_time.GetUtcNow() + TimeSpan.FromMilliseconds(150));

        await Assert.ThrowsAsync<HttpRequestException>(() => FakeTime.RunAsync(_time, client.GetResponseAsync(Prompt), Step));

        Assert.Equal(1, inner.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task NonTransientErrors_AreNotRetried(HttpStatusCode status)
    {
        var inner = TestChatClient.Throwing(new HttpRequestException("no", null, status));
        var client = new RetryChatClient(inner, _options, _time);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task AnOpenCircuit_IsNotRetried()
    {
        var inner = TestChatClient.Throwing(new CircuitOpenException("p", TimeSpan.FromSeconds(5), "circuit open (retry in 5 s)"));
        var client = new RetryChatClient(inner, _options, _time);

        await Assert.ThrowsAsync<CircuitOpenException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task AnAttemptTimeout_IsNotRetried_SoTheNextProviderGetsTheTimeLeft()
    {
        var inner = TestChatClient.Throwing(new AttemptTimeoutException(TimeSpan.FromSeconds(10), waitingForFirstToken: true));
        var client = new RetryChatClient(inner, _options, _time);

        await Assert.ThrowsAsync<AttemptTimeoutException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task CallerCancellation_IsNotRetried()
    {
        using var cts = new CancellationTokenSource();
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, token) =>
            {
                cts.Cancel();
                return Task.FromCanceled<ChatResponse>(token);
            },
        };
        var client = new RetryChatClient(inner, _options, _time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Prompt, cancellationToken: cts.Token));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Streaming_AFailureBeforeTheFirstUpdate_IsRetried()
    {
        var attempts = 0;
        var inner = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, _) => ++attempts == 1
                ? TestChatClient.Updates([], new HttpRequestException("reset", new IOException()))
                : TestChatClient.Updates(["a", "b"]),
        };
        var client = new RetryChatClient(inner, _options, _time, () => 0);

        var updates = await FakeTime.RunAsync(_time, client.GetStreamingResponseAsync(Prompt).ToListAsync().AsTask(), Step);

        Assert.Equal(2, attempts);
        Assert.Equal("ab", string.Concat(updates.Select(u => u.Text)));
    }

    [Fact]
    public async Task Streaming_AFailureAfterTheFirstUpdate_IsNotRetried()
    {
        var inner = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, _) => TestChatClient.Updates(["a"], new HttpRequestException("reset", new IOException())),
        };
        var client = new RetryChatClient(inner, _options, _time, () => 0);
        var received = new List<string>();

        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Prompt))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal(1, inner.Calls);
        Assert.Equal(["a"], received);
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    public async Task AnUnboundedRetryAfter_IsNotWaitedFor_TheProvidersErrorReachesTheCaller(string retryAfter)
    {
        var inner = TestChatClient.Throwing(new ClientResultException(new RetryAfterResponse(retryAfter)));
        var client = new RetryChatClient(inner, _options, _time);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal(429, ex.Status);
        Assert.Equal(1, inner.Calls);
    }

    // Completes when the inner client has been called `count` times.
    private static Task WhenCalls(List<DateTimeOffset> calls, int count) => FakeTime.WaitUntilAsync(() => calls.Count >= count);
}

using System.ClientModel;
using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Providers;
using SentinelOps.Tests.TestDoubles;
using static SentinelOps.Tests.TestDoubles.TestProviders;

namespace SentinelOps.Tests.Gateway.Routing;

public sealed class ProviderFailoverChatClientTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "hi")];

    [Fact]
    public async Task FirstHealthyProviderAnswers_WithoutTryingTheRest()
    {
        var first = TestChatClient.Answering("from first");
        var second = TestChatClient.Answering("from second");

        var response = await CreateClient(("a", first), ("b", second)).GetResponseAsync(Prompt);

        Assert.Equal("from first", response.Text);
        Assert.Equal(0, second.Calls);
        var routing = ProviderRouting.From(response.AdditionalProperties);
        Assert.NotNull(routing);
        Assert.Equal("a", routing.Provider);
        Assert.False(routing.FailoverOccurred);
    }

    [Fact]
    public async Task FailingProviders_AreTriedInOrder_AndListedInTheRouting()
    {
        var order = new List<string>();
        var a = Recording(order, "a", TestChatClient.Throwing(new HttpRequestException("boom", null, HttpStatusCode.InternalServerError)));
        var b = Recording(order, "b", TestChatClient.Throwing(new HttpRequestException("refused", new IOException(), statusCode: null)));
        var c = Recording(order, "c", TestChatClient.Answering("from c"));

        var response = await CreateClient(("a", a), ("b", b), ("c", c)).GetResponseAsync(Prompt);

        Assert.Equal(["a", "b", "c"], order);
        Assert.Equal("from c", response.Text);
        var routing = ProviderRouting.From(response.AdditionalProperties)!;
        Assert.Equal("c", routing.Provider);
        Assert.True(routing.FailoverOccurred);
        Assert.Equal(["a", "b"], routing.Failures.Select(f => f.Provider));
        Assert.Equal(500, routing.Failures[0].StatusCode);
        Assert.Equal("HTTP 500 (InternalServerError)", routing.Failures[0].Error);
        Assert.Null(routing.Failures[1].StatusCode);
    }

    [Fact]
    public async Task WhenEveryProviderFails_TheExceptionListsEachError_InOrder()
    {
        var client = CreateClient(
            ("a", TestChatClient.Throwing(new ClientResultException("secret-bearing body", response: null))),
            ("b", TestChatClient.Throwing(new HttpRequestException("x", null, HttpStatusCode.ServiceUnavailable))));

        var ex = await Assert.ThrowsAsync<ProvidersExhaustedException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal(["a", "b"], ex.Failures.Select(f => f.Provider));
        Assert.Equal("HTTP 503 (ServiceUnavailable)", ex.Failures[1].Error);
        Assert.DoesNotContain("secret-bearing body", ex.Message);
    }

    [Fact]
    public async Task CallerCancellation_IsRethrown_AndNotTreatedAsAProviderFailure()
    {
        using var cts = new CancellationTokenSource();
        var first = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, token) =>
            {
                cts.Cancel();
                token.ThrowIfCancellationRequested();
                return Task.FromResult(new ChatResponse());
            },
        };
        var second = TestChatClient.Answering("should not be reached");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CreateClient(("a", first), ("b", second)).GetResponseAsync(Prompt, cancellationToken: cts.Token));

        Assert.Equal(0, second.Calls);
    }

    [Fact]
    public async Task ProviderTimeout_WithoutCallerCancellation_FailsOver()
    {
        var first = TestChatClient.Throwing(new TaskCanceledException("HttpClient timeout", new TimeoutException()));

        var response = await CreateClient(("a", first), ("b", TestChatClient.Answering("ok"))).GetResponseAsync(Prompt);

        Assert.Equal("b", ProviderRouting.From(response.AdditionalProperties)!.Provider);
        Assert.Equal("timed out", ProviderRouting.From(response.AdditionalProperties)!.Failures.Single().Error);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task RequestRejectedByTheProvider_IsNotFailedOver(HttpStatusCode status)
    {
        var second = TestChatClient.Answering("should not be reached");
        var client = CreateClient(("a", TestChatClient.Throwing(new HttpRequestException("bad", null, status))), ("b", second));

        var ex = await Assert.ThrowsAsync<ProviderRejectedRequestException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal("a", ex.Failure.Provider);
        Assert.Equal((int)status, ex.Failure.StatusCode);
        Assert.Equal(0, second.Calls);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task ProviderSide4xx_FailsOver(HttpStatusCode status)
    {
        var client = CreateClient(("a", TestChatClient.Throwing(new HttpRequestException("x", null, status))), ("b", TestChatClient.Answering("ok")));

        var response = await client.GetResponseAsync(Prompt);

        Assert.Equal("b", ProviderRouting.From(response.AdditionalProperties)!.Provider);
    }

    [Fact]
    public async Task Streaming_FailsOverBeforeTheFirstUpdate_AndMarksTheFirstUpdateWithTheRouting()
    {
        var client = CreateClient(
            ("a", TestChatClient.Throwing(new HttpRequestException("x", null, HttpStatusCode.BadGateway))),
            ("b", TestChatClient.Answering("one two three")));

        var updates = await client.GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal("onetwothree", string.Concat(updates.Select(u => u.Text)));
        var routing = ProviderRouting.From(updates[0].AdditionalProperties)!;
        Assert.Equal("b", routing.Provider);
        Assert.Equal(["a"], routing.Failures.Select(f => f.Provider));
    }

    [Fact]
    public async Task Streaming_DoesNotFailOverAfterTheFirstUpdate()
    {
        var second = TestChatClient.Answering("should not be reached");
        var first = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, _) => TestChatClient.Updates(["partial"], new IOException("connection reset")),
        };
        var received = new List<string>();

        var ex = await Assert.ThrowsAsync<ProviderStreamInterruptedException>(async () =>
        {
            await foreach (var update in CreateClient(("a", first), ("b", second)).GetStreamingResponseAsync(Prompt))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal(["partial"], received);
        Assert.Equal("a", ex.Failure.Provider);
        Assert.IsType<IOException>(ex.InnerException);
        Assert.Equal(0, second.Calls);
    }

    [Fact]
    public async Task Streaming_WhenEveryProviderFails_ThrowsWithTheList()
    {
        var client = CreateClient(
            ("a", TestChatClient.Throwing(new HttpRequestException("x", null, HttpStatusCode.InternalServerError))),
            ("b", TestChatClient.Throwing(new HttpRequestException("y", null, HttpStatusCode.ServiceUnavailable))));

        var ex = await Assert.ThrowsAsync<ProvidersExhaustedException>(async () => await client.GetStreamingResponseAsync(Prompt).ToListAsync());

        Assert.Equal(["a", "b"], ex.Failures.Select(f => f.Provider));
    }

    [Fact]
    public async Task OpenCircuit_IsSkippedWithoutACall_AndListedInTheChain()
    {
        var time = new FakeTimeProvider();
        var primary = TestChatClient.Answering("from primary");
        var breaker = OpenBreaker("a", time);
        var client = new ProviderFailoverChatClient(
            [Guarded("a", primary, breaker, time), Unguarded("b", TestChatClient.Answering("from b"))],
            TestHealth.WriterOf(breaker, time),
            TimeSpan.FromMinutes(1),
            time);

        var response = await client.GetResponseAsync(Prompt);

        Assert.Equal(0, primary.Calls);
        var routing = ProviderRouting.From(response.AdditionalProperties)!;
        Assert.Equal("b", routing.Provider);
        Assert.Equal("circuit open (retry in 30 s)", routing.Failures.Single().Error);
    }

    [Fact]
    public async Task EveryCircuitOpen_GivesOneRealTry_ToTheProviderWhoseBreakEndsSoonest()
    {
        var time = new FakeTimeProvider();
        var a = TestChatClient.Answering("from a");
        var b = TestChatClient.Answering("from b");
        var breakerA = OpenBreaker("a", time);
        time.Advance(TimeSpan.FromSeconds(10));
        var breakerB = OpenBreaker("b", time);
        var health = new ProviderHealthUpdater([breakerA, breakerB], time);
        var client = new ProviderFailoverChatClient([Guarded("a", a, breakerA, time), Guarded("b", b, breakerB, time)], health, TimeSpan.FromMinutes(1), time);

        var response = await client.GetResponseAsync(Prompt);

        Assert.Equal("from a", response.Text);
        Assert.Equal((1, 0), (a.Calls, b.Calls));
        Assert.Equal(CircuitState.Closed, breakerA.State);
        Assert.Equal(CircuitState.Open, breakerB.State);
    }

    [Fact]
    public async Task EveryCircuitOpen_AndTheTrialFails_Is503WithTheSoonestRetryAfter()
    {
        var time = new FakeTimeProvider();
        var a = TestChatClient.Throwing(new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable));
        var b = TestChatClient.Answering("from b");
        var breakerA = OpenBreaker("a", time);
        time.Advance(TimeSpan.FromSeconds(10));
        var breakerB = OpenBreaker("b", time);
        var health = new ProviderHealthUpdater([breakerA, breakerB], time);
        var client = new ProviderFailoverChatClient([Guarded("a", a, breakerA, time), Guarded("b", b, breakerB, time)], health, TimeSpan.FromMinutes(1), time);

        var ex = await Assert.ThrowsAsync<ProvidersExhaustedException>(() => client.GetResponseAsync(Prompt));

        Assert.Equal((1, 0), (a.Calls, b.Calls));
        Assert.Equal(["b", "a"], ex.Failures.Select(f => f.Provider));
        Assert.Equal(TimeSpan.FromSeconds(30), ex.RetryAfter);
    }

    [Fact]
    public async Task EveryCircuitOpen_ConcurrentRequestsShareOneTrialPerBreak_AndTheRestGetAMeaningfulRetryAfter()
    {
        var time = new FakeTimeProvider();
        var release = new TaskCompletionSource();
        var a = Failing503After(release.Task);
        var b = Failing503After(release.Task);
        var breakerA = OpenBreaker("a", time);
        time.Advance(TimeSpan.FromSeconds(10));
        var breakerB = OpenBreaker("b", time);
        var health = new ProviderHealthUpdater([breakerA, breakerB], time);
        var client = new ProviderFailoverChatClient([Guarded("a", a, breakerA, time), Guarded("b", b, breakerB, time)], health, TimeSpan.FromMinutes(1), time);

        // The first request takes a's early trial (its break ends first), the second b's; both hang for now.
        var trialA = client.GetResponseAsync(Prompt);
        await FakeTime.WaitUntilAsync(() => a.Calls == 1);
        var trialB = client.GetResponseAsync(Prompt);
        await FakeTime.WaitUntilAsync(() => b.Calls == 1);
        var others = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            await Assert.ThrowsAsync<ProvidersExhaustedException>(() => client.GetResponseAsync(Prompt)))));

        // One early trial per provider's break, whatever the number of requests.
        Assert.Equal((1, 1), (a.Calls, b.Calls));
        Assert.All(others, ex =>
        {
            Assert.All(ex.Failures, f => Assert.Equal("circuit half-open (trial in progress)", f.Error));
            Assert.True(ex.RetryAfter >= TimeSpan.FromSeconds(1), $"Retry-After {ex.RetryAfter}");
        });

        release.SetResult();
        await Assert.ThrowsAsync<ProvidersExhaustedException>(() => trialA);
        await Assert.ThrowsAsync<ProvidersExhaustedException>(() => trialB);

        // Both trials failed: the new breaks are served in full, and later requests cost no upstream call.
        for (var i = 0; i < 5; i++)
        {
            var ex = await Assert.ThrowsAsync<ProvidersExhaustedException>(() => client.GetResponseAsync(Prompt));
            Assert.Equal(TimeSpan.FromSeconds(60), ex.RetryAfter);
        }

        Assert.Equal((1, 1), (a.Calls, b.Calls));

        // At the end of the break, the ordinary half-open trial.
        time.Advance(TimeSpan.FromSeconds(60));
        await Assert.ThrowsAsync<ProvidersExhaustedException>(() => client.GetResponseAsync(Prompt));
        Assert.Equal((2, 2), (a.Calls, b.Calls));
    }

    [Fact]
    public async Task AHalfOpenCircuitWithItsTrialInFlight_IsListedAsHalfOpen_NotIsolated()
    {
        var time = new FakeTimeProvider();
        var breaker = OpenBreaker("a", time);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(breaker.TryEnter(out _));
        var client = new ProviderFailoverChatClient(
            [Guarded("a", TestChatClient.Answering("unused"), breaker, time), Unguarded("b", TestChatClient.Answering("from b"))],
            TestHealth.WriterOf(breaker, time),
            TimeSpan.FromMinutes(1),
            time);

        var response = await client.GetResponseAsync(Prompt);

        Assert.Equal("circuit half-open (trial in progress)", ProviderRouting.From(response.AdditionalProperties)!.Failures.Single().Error);
    }

    [Fact]
    public async Task OneDeadline_CoversTheWholeChain()
    {
        var time = new FakeTimeProvider();
        var hanging = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, token) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
                return new ChatResponse();
            },
        };
        var second = TestChatClient.Answering("too late");
        ProviderClient[] providers = [Unguarded("a", hanging), Unguarded("b", second)];
        var client = new ProviderFailoverChatClient(providers, TestHealth.Of(providers, time), TimeSpan.FromSeconds(10), time);
        var pending = client.GetResponseAsync(Prompt);
        await FakeTime.WaitUntilAsync(() => hanging.Calls == 1);
        await FakeTime.AssertCompletesAfterAsync(time, pending, TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<RequestDeadlineExceededException>(() => pending);
        Assert.Equal(TimeSpan.FromSeconds(10), ex.Timeout);
        Assert.Equal(0, second.Calls);
    }

    [Fact]
    public async Task TheDeadline_TravelsDownThePipeline_OnTheRequestFlow()
    {
        var time = new FakeTimeProvider();
        DateTimeOffset? seen = null;
        ChatOptions? seenOptions = null;
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, options, _) =>
            {
                seen = RequestDeadline.Current;
                seenOptions = options;
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        };
        var callerOptions = new ChatOptions { Temperature = 0.5f };
        ProviderClient[] providers = [Unguarded("a", inner)];
        var client = new ProviderFailoverChatClient(providers, TestHealth.Of(providers, time), TimeSpan.FromSeconds(42), time);

        await client.GetResponseAsync(Prompt, callerOptions);

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(42), seen);
        Assert.Same(callerOptions, seenOptions);
        Assert.Null(callerOptions.AdditionalProperties);
        Assert.Equal(0.5f, callerOptions.Temperature);
        Assert.Null(RequestDeadline.Current);
    }

    [Fact]
    public async Task Streaming_TheDeadline_TravelsDownThePipeline_OnTheRequestFlow()
    {
        var time = new FakeTimeProvider();
        DateTimeOffset? seen = null;
        var inner = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, _) =>
            {
                seen = RequestDeadline.Current;
                return TestChatClient.Updates(["ok"]);
            },
        };
        var callerOptions = new ChatOptions();
        ProviderClient[] providers = [Unguarded("a", inner)];
        var client = new ProviderFailoverChatClient(providers, TestHealth.Of(providers, time), TimeSpan.FromSeconds(42), time);

        await foreach (var _ in client.GetStreamingResponseAsync(Prompt, callerOptions))
        {
        }

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(42), seen);
        Assert.Null(callerOptions.AdditionalProperties);
        Assert.Null(RequestDeadline.Current);
    }

    [Fact]
    public async Task Streaming_UpdatesWithoutContent_FromAProviderThatThenFails_NeverReachTheCaller()
    {
        var first = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => PreambleThenFail() };
        var client = CreateClient(("a", first), ("b", TestChatClient.Answering("from b")));

        var updates = await client.GetStreamingResponseAsync(Prompt).ToListAsync();

        Assert.Equal("fromb", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.NotEqual("a-response", u.ResponseId));
    }

    private static ProviderFailoverChatClient CreateClient(params (string Name, IChatClient Client)[] providers)
    {
        ProviderClient[] clients = [.. providers.Select(p => Unguarded(p.Name, p.Client))];
        return new(clients, TestHealth.Of(clients), TimeSpan.FromMinutes(1), TimeProvider.System);
    }

    private static CircuitBreaker OpenBreaker(string name, FakeTimeProvider time)
    {
        var breaker = new CircuitBreaker(name, new CircuitBreakerOptions(), time);
        for (var i = 0; i < 3; i++)
        {
            breaker.TryEnter(out var permit);
            breaker.RecordFailure(permit);
        }

        return breaker;
    }

    private static TestChatClient Failing503After(Task release) => new()
    {
        GetResponseAsyncCallback = async (_, _, _) =>
        {
            await release;
            throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable);
        },
    };

    private static async IAsyncEnumerable<ChatResponseUpdate> PreambleThenFail()
    {
        await Task.Yield();
        yield return new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = "a-response" };
        throw new HttpRequestException("reset", new IOException());
    }

    private static TestChatClient Recording(List<string> order, string name, TestChatClient inner) => new()
    {
        GetResponseAsyncCallback = (m, o, t) =>
        {
            order.Add(name);
            return inner.GetResponseAsync(m, o, t);
        },
    };
}

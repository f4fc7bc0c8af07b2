using System.ClientModel;
using System.Net;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.ChatClients;
using SentinelOps.Gateway.Providers;
using SentinelOps.Shared.Providers;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway;

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

    private static ProviderFailoverChatClient CreateClient(params (string Name, IChatClient Client)[] providers) =>
        new([.. providers.Select(p => new ProviderClient(new ProviderOptions { Name = p.Name }, p.Client))], TimeSpan.FromMinutes(1), TimeProvider.System);

    private static TestChatClient Recording(List<string> order, string name, TestChatClient inner) => new()
    {
        GetResponseAsyncCallback = (m, o, t) =>
        {
            order.Add(name);
            return inner.GetResponseAsync(m, o, t);
        },
    };
}

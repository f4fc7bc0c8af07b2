using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Routing.Drift;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Routing.Drift;

/// <summary>What one attempt tells a provider's drift: its latency to the first token, or a failure only when the
/// provider is to blame.</summary>
public sealed class DriftTrackingChatClientTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ProviderDriftState _drift;

    public DriftTrackingChatClientTests() => _drift = new ProviderDriftState(new DriftOptions(), _time);

    [Fact]
    public async Task AStream_IsTimedToItsFirstContent_NotToItsEnd()
    {
        using var client = new DriftTrackingChatClient(new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => SlowStream() }, _drift, _time);

        await foreach (var _ in client.GetStreamingResponseAsync("hi"))
        {
        }

        var figures = _drift.Read();
        Assert.Equal(300, figures.LatencyMs!.Value, precision: 6);
        Assert.Equal(0, figures.ErrorRate);
    }

    [Fact]
    public async Task AWholeAnswer_IsTimedWhole()
    {
        using var client = new DriftTrackingChatClient(new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(120));
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        }, _drift, _time);

        await client.GetResponseAsync("hi");

        Assert.Equal(120, _drift.Read().LatencyMs!.Value, precision: 6);
    }

    [Fact]
    public async Task AProviderError_IsAFailure()
    {
        using var client = new DriftTrackingChatClient(TestChatClient.Throwing(new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable)), _drift, _time);

        await Assert.ThrowsAsync<HttpRequestException>(() => Drain(client.GetStreamingResponseAsync("hi")));

        Assert.Equal((1.0, 0L), (_drift.Read().ErrorRate, (long)_drift.Read().LatencySamples));
    }

    public static TheoryData<Exception> NoVerdicts => new()
    {
        new HttpRequestException("bad request", null, HttpStatusCode.BadRequest),
        new CircuitOpenException("primary", TimeSpan.FromSeconds(3), "circuit open"),
        new UnsendableRequestException("primary", new InvalidOperationException("cannot translate")),
        new AttemptIsolatedException("primary"),
    };

    [Theory]
    [MemberData(nameof(NoVerdicts))]
    public async Task TheRequestsOwnFault_ARefusedCall_OrAnIsolatedOne_IsNoVerdict(Exception exception)
    {
        using var client = new DriftTrackingChatClient(TestChatClient.Throwing(exception), _drift, _time);

        await Assert.ThrowsAnyAsync<Exception>(() => Drain(client.GetStreamingResponseAsync("hi")));
        await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync("hi"));

        Assert.Null(_drift.Read().ErrorRate);
    }

    [Fact]
    public async Task TheCallerCancelling_IsNoVerdict()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        using var client = new DriftTrackingChatClient(TestChatClient.Throwing(new OperationCanceledException(cancelled.Token)), _drift, _time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Drain(client.GetStreamingResponseAsync("hi", cancellationToken: cancelled.Token)));

        Assert.Null(_drift.Read().ErrorRate);
    }

    [Fact]
    public async Task AStreamItsReaderAbandons_IsNoVerdict()
    {
        using var client = new DriftTrackingChatClient(new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => SlowStream() }, _drift, _time);

        await foreach (var update in client.GetStreamingResponseAsync("hi"))
        {
            if (update.Text.Length > 0)
            {
                break; // after the first token: it was not known yet whether the stream would complete
            }
        }

        var figures = _drift.Read();
        Assert.Equal((null, null, 0.0), (figures.LatencyMs, figures.ErrorRate, figures.CallSamples));
    }

    private async IAsyncEnumerable<ChatResponseUpdate> SlowStream()
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, string.Empty); // a role-only preamble is no first token
        _time.Advance(TimeSpan.FromMilliseconds(300));
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello");
        _time.Advance(TimeSpan.FromSeconds(5));
        yield return new ChatResponseUpdate(ChatRole.Assistant, " there");
    }

    private static async Task Drain(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        await foreach (var _ in updates)
        {
        }
    }
}

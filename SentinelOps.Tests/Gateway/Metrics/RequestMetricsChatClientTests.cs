using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Routing;
using SentinelOps.Shared.Events;
using SentinelOps.Shared.Metrics;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway.Metrics;

public sealed class RequestMetricsChatClientTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RequestCounters _counters = new(["primary", "fallback"]);
    private readonly RequestOutcomeRecorder _recorder;

    public RequestMetricsChatClientTests()
    {
        var meterFactory = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        _recorder = new RequestOutcomeRecorder(_counters, new TrafficShare(["primary", "fallback"], TimeSpan.FromMinutes(1), _time), new GatewayTelemetry(meterFactory), new RecordingEventSink(), _time, Options.Create(new GatewayEventsOptions()));
    }

    [Fact]
    public async Task AResponse_IsCountedForTheProviderThatAnswered_WithItsLatency()
    {
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) =>
            {
                _time.Advance(TimeSpan.FromMilliseconds(250));
                var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi"));
                (response.AdditionalProperties ??= [])[ProviderRouting.AdditionalPropertiesKey] =
                    new ProviderRouting("fallback", [new ProviderFailure("primary", "HTTP 500", 500)]);
                return Task.FromResult(response);
            },
        };
        using var client = new RequestMetricsChatClient(inner, _recorder, _time);

        await client.GetResponseAsync("hello");

        var report = Report();
        Assert.Equal((1L, 1L, 1L), (report.TotalRequests, report.TotalSuccesses, report.TotalFailovers));
        Assert.InRange(report.AvgLatencyMs, 249, 251);
        Assert.Equal(new ProviderMetrics(1, 1, 0), report.Providers["fallback"]);
        Assert.Equal(new ProviderMetrics(1, 0, 1), report.Providers["primary"]);
    }

    [Fact]
    public async Task AStream_IsCountedOnceItEnds_NotBefore()
    {
        using var client = new RequestMetricsChatClient(TestChatClient.Answering("one two three"), _recorder, _time);
        await using var stream = client.GetStreamingResponseAsync("hello").GetAsyncEnumerator();

        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(0, Report().TotalRequests);
        while (await stream.MoveNextAsync())
        {
        }

        Assert.Equal((1L, 1L), (Report().TotalRequests, Report().TotalSuccesses));
    }

    [Fact]
    public async Task AStreamAbandonedByItsReader_IsCancelled_AndOneThatBreaks_IsAFailure()
    {
        using var abandoned = new RequestMetricsChatClient(TestChatClient.Answering("one two three"), _recorder, _time);
        await foreach (var _ in abandoned.GetStreamingResponseAsync("hello"))
        {
            break;
        }

        var interrupted = new ProviderStreamInterruptedException(new ProviderFailure("primary", "connection reset", null), new IOException());
        using var breaking = new RequestMetricsChatClient(
            new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => TestChatClient.Updates(["one"], interrupted) }, _recorder, _time);
        await Assert.ThrowsAsync<ProviderStreamInterruptedException>(async () =>
        {
            await foreach (var _ in breaking.GetStreamingResponseAsync("hello"))
            {
            }
        });

        var report = Report();
        Assert.Equal((2L, 0L, 1L, 1L), (report.TotalRequests, report.TotalSuccesses, report.TotalFailures, report.TotalCancelled));
    }

    [Fact]
    public async Task AStreamContinuedByAnotherProvider_IsCountedForThatProvider_AsAFailover()
    {
        // The failover client puts the routing on the first update, and the final routing on a continuation's first.
        var inner = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => Continued() };
        using var client = new RequestMetricsChatClient(inner, _recorder, _time);

        await client.GetStreamingResponseAsync("hello").ToListAsync();

        var report = Report();
        Assert.Equal((1L, 1L, 1L), (report.TotalRequests, report.TotalSuccesses, report.TotalFailovers));
        Assert.Equal(new ProviderMetrics(1, 1, 0), report.Providers["fallback"]);
        Assert.Equal(new ProviderMetrics(1, 0, 1), report.Providers["primary"]);

        static async IAsyncEnumerable<ChatResponseUpdate> Continued()
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "one ")
            {
                AdditionalProperties = new() { [ProviderRouting.AdditionalPropertiesKey] = new ProviderRouting("primary", []) },
            };
            yield return new ChatResponseUpdate(ChatRole.Assistant, "two")
            {
                AdditionalProperties = new()
                {
                    [ProviderRouting.AdditionalPropertiesKey] = new ProviderRouting("fallback", [new ProviderFailure("primary", "mid-stream: stream stalled", null)]),
                },
            };
            yield return new ChatResponseUpdate(ChatRole.Assistant, " three");
        }
    }

    private MetricsReport Report()
    {
        var totals = new RequestTotals();
        totals.Add(_counters.Peek());
        return totals.ToReport(null, TimeSpan.Zero);
    }
}

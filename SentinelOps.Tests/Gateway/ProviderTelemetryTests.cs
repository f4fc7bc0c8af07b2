using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway;

/// <summary>Each provider call is a GenAI span of its own, so a failover reads as sibling spans in a trace.</summary>
public sealed class ProviderTelemetryTests
{
    [Fact]
    public async Task AFailover_ShowsAsSiblingGenAiSpans_TheFailedOneMarkedAsAnError()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await primary.SetFaultAsync(new { mode = "error_503" });

        using var gateway = GatewayHost.Create(primary, fallback);
        using var source = new ActivitySource("SentinelOps.Tests");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "SentinelOps.Tests" or "Experimental.Microsoft.Extensions.AI",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using (var request = source.StartActivity("gateway request"))
        {
            await gateway.ChatClient.GetResponseAsync("hello");
        }

        var root = spans.Single(s => s.Source.Name == "SentinelOps.Tests");
        var providerSpans = spans.Where(s => s.Source.Name != "SentinelOps.Tests" && s.TraceId == root.TraceId).ToList();
        Assert.Equal(2, providerSpans.Count);
        Assert.All(providerSpans, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.Equal(["openai", "ollama"], providerSpans.OrderBy(s => s.StartTimeUtc).Select(s => s.GetTagItem("gen_ai.provider.name") as string));
        Assert.Equal(ActivityStatusCode.Error, providerSpans.OrderBy(s => s.StartTimeUtc).First().Status);
        Assert.Equal(ActivityStatusCode.Unset, providerSpans.OrderBy(s => s.StartTimeUtc).Last().Status);
    }
}

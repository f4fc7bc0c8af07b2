using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway;

/// <summary>Provider keys must never reach a log line, a span, or an error, whatever path a request takes.</summary>
public sealed class SecretRedactionTests
{
    private const string OpenAiKey = "sk-openai-SECRET-4f1c2a";
    private const string OllamaKey = "ollama-SECRET-77be90";

    [Fact]
    public async Task ProviderKeys_NeverAppearInLogsSpansOrErrors_AcrossSuccessFailoverAndTotalFailure()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        var logs = new ListLoggerProvider();
        var spans = new ConcurrentQueue<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => spans.Enqueue(string.Join(' ',
                activity.DisplayName,
                activity.StatusDescription,
                string.Join(' ', activity.TagObjects.Select(t => $"{t.Key}={t.Value}")),
                string.Join(' ', activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}"))))),
        };
        ActivitySource.AddActivityListener(listener);

        using var gateway = GatewayHost.Create(primary, fallback, OpenAiKey, OllamaKey, logs);
        var chat = gateway.ChatClient;
        var errors = new List<string>();

        await chat.GetResponseAsync("a healthy request");
        await primary.SetFaultAsync(new { mode = "error_500" });
        await chat.GetResponseAsync("a failover");
        await chat.GetStreamingResponseAsync("a streamed failover").ToListAsync();
        await fallback.SetFaultAsync(new { mode = "error_503" });
        errors.Add((await Assert.ThrowsAnyAsync<Exception>(() => chat.GetResponseAsync("total failure"))).ToString());
        errors.Add((await Assert.ThrowsAnyAsync<Exception>(async () => await chat.GetStreamingResponseAsync("streamed total failure").ToListAsync())).ToString());

        Assert.NotEmpty(logs.Lines);
        Assert.Contains(spans, s => s.Contains("gen_ai", StringComparison.Ordinal));
        foreach (var text in logs.Lines.Concat(spans).Concat(errors))
        {
            Assert.DoesNotContain(OpenAiKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(OllamaKey, text, StringComparison.Ordinal);
        }
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SentinelOps.AppHost.Ollama;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.AppHost.Ollama;

/// <summary>The AppHost pulls the Ollama model through Ollama's API, logs readable progress, and is healthy once the model is there.</summary>
public sealed class OllamaModelPullerTests
{
    [Fact]
    public async Task AMissingModel_IsPulled_WithProgressInTheLog_ThenTheHealthCheckPasses()
    {
        await using var ollama = await FakeOllamaServer.StartAsync();
        var status = new OllamaModelStatus();
        var health = new OllamaModelHealthCheck(() => ollama.Address, "llama3.2", status);
        var logs = new ListLoggerProvider();

        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync(new HealthCheckContext())).Status);
        var present = await OllamaModelPuller.PullAsync(ollama.Address, "llama3.2", status, logs.CreateLogger("ollama"), TimeProvider.System, CancellationToken.None);

        Assert.True(present);
        Assert.Contains("\"llama3.2\"", Assert.Single(ollama.PullRequests));
        var progress = logs.Lines.Where(l => l.Contains("pulling dde5aa3fc5ff", StringComparison.Ordinal)).ToList();
        Assert.InRange(progress.Count, 10, 11); // a line per tenth of the layer, not one per update (50 here)
        Assert.Contains(progress, l => l.Contains("1.9 GB of 1.9 GB (100%)", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("verifying sha256 digest", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.Contains("Model llama3.2 is ready", StringComparison.Ordinal));
        var healthy = await health.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
    }

    [Fact]
    public async Task APresentModel_IsNotPulledAgain()
    {
        await using var ollama = await FakeOllamaServer.StartAsync();
        ollama.Models.Add("llama3.2:latest");
        var logs = new ListLoggerProvider();

        var present = await OllamaModelPuller.PullAsync(ollama.Address, "llama3.2", new OllamaModelStatus(), logs.CreateLogger("ollama"), TimeProvider.System, CancellationToken.None);

        Assert.True(present);
        Assert.Empty(ollama.PullRequests);
        Assert.Contains(logs.Lines, l => l.Contains("already present", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AServerStillStarting_IsAwaited_OnePollAtATime()
    {
        await using var ollama = await FakeOllamaServer.StartAsync(refusals: 2);
        var time = new TimerCountingFakeTimeProvider();
        var status = new OllamaModelStatus();

        var pull = OllamaModelPuller.PullAsync(ollama.Address, "llama3.2", status, new ListLoggerProvider().CreateLogger("ollama"), time, CancellationToken.None);
        for (var polls = 1; polls <= 2; polls++)
        {
            await WaitUntilAsync(() => time.TimersCreated >= polls);
            Assert.False(pull.IsCompleted);
            Assert.Equal("waiting for the Ollama server", status.Description);
            time.Advance(OllamaModelPuller.PollInterval);
        }

        Assert.True(await pull.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, time.TimersCreated);
    }

    [Fact]
    public async Task AFailedPull_IsLogged_AndLeavesTheResourceUnhealthy_SayingWhy()
    {
        await using var ollama = await FakeOllamaServer.StartAsync();
        ollama.PullError = "pull model manifest: file does not exist";
        var status = new OllamaModelStatus();
        var logs = new ListLoggerProvider();

        var present = await OllamaModelPuller.PullAsync(ollama.Address, "llama3.2", status, logs.CreateLogger("ollama"), TimeProvider.System, CancellationToken.None);

        Assert.False(present);
        Assert.Contains(logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("llama3.2", StringComparison.Ordinal));
        var health = await new OllamaModelHealthCheck(() => ollama.Address, "llama3.2", status).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("llama3.2", health.Description);
    }

    [Fact]
    public async Task NoServer_IsUnhealthy_NotAnException()
    {
        var health = new OllamaModelHealthCheck(() => new Uri("http://127.0.0.1:9/"), "llama3.2", new OllamaModelStatus());

        var result = await health.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Theory]
    [InlineData("llama3.2:latest", "llama3.2", true)]
    [InlineData("llama3.2", "llama3.2", true)]
    [InlineData("llama3.2:1b", "llama3.2", false)]
    [InlineData("llama3.2:1b", "llama3.2:1b", true)]
    [InlineData("llama3.2-vision:latest", "llama3.2", false)]
    public void ModelNames_MatchAsOllamaNamesThem(string listed, string wanted, bool expected) =>
        Assert.Equal(expected, OllamaModelNames.Match(listed, wanted));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }
    }
}

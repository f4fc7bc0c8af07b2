using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.AI;
using SentinelOps.Simulator;
using SentinelOps.Simulator.Faults;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Simulator;

/// <summary>Each fault mode, set through the control API and observed by the real protocol clients.</summary>
public sealed class SimulatorFaultTests
{
    private static readonly ChatMessage[] Prompt = [new(ChatRole.User, "one two three four five")];

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI, "error_500", 500)]
    [InlineData(SimulatorProtocol.OpenAI, "error_503", 503)]
    [InlineData(SimulatorProtocol.OpenAI, "rate_limited", 429)]
    [InlineData(SimulatorProtocol.Ollama, "error_500", 500)]
    [InlineData(SimulatorProtocol.Ollama, "error_503", 503)]
    [InlineData(SimulatorProtocol.Ollama, "rate_limited", 429)]
    public async Task ErrorModes_ReachTheRealClient_AsThatStatus(SimulatorProtocol protocol, string mode, int status)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        await simulator.SetFaultAsync(new { mode });
        using var client = SimulatorProtocolTests.CreateRealClient(simulator);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync(Prompt));

        Assert.Equal(status, ex switch
        {
            ClientResultException result => result.Status,
            HttpRequestException http => (int?)http.StatusCode,
            _ => null,
        });
    }

    [Fact]
    public async Task RateLimited_SendsRetryAfter()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await simulator.SetFaultAsync(new { mode = "rate_limited", retry_after_seconds = 7 });
        using var http = simulator.CreateHttpClient();

        var response = await http.GetAsync("v1/models");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task ConnectionReset_EndsTheExchangeWithoutAResponse(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        await simulator.SetFaultAsync(new { mode = "connection_reset" });
        using var client = SimulatorProtocolTests.CreateRealClient(simulator);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync(Prompt));

        Assert.True(ex is HttpRequestException or IOException || ex.InnerException is HttpRequestException or IOException, ex.ToString());
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task StreamCut_DeliversNChunks_ThenFails(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        await simulator.SetFaultAsync(new { mode = "stream_cut", after_chunks = 3 });
        using var client = SimulatorProtocolTests.CreateRealClient(simulator);
        var received = new List<string>();

        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Prompt))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal("Simulated answer to: ", string.Concat(received));
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task Stall_DeliversNChunks_ThenNothingWithTheConnectionOpen_UntilTheFaultIsCleared(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        await simulator.SetFaultAsync(new { mode = "stall", after_chunks = 3 });
        using var client = SimulatorProtocolTests.CreateRealClient(simulator);
        var received = new List<string>();

        await using var stream = client.GetStreamingResponseAsync(Prompt).GetAsyncEnumerator();
        while (string.Concat(received) != "Simulated answer to: ")
        {
            Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
            received.Add(stream.Current.Text);
        }

        // Silence, with the stream still open: the next chunk does not come while the fault lasts...
        var next = stream.MoveNextAsync().AsTask();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(next.IsCompleted);

        // ...and the rest of the answer does once it is cleared.
        await simulator.ClearFaultAsync();
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        received.Add(stream.Current.Text);
        while (await stream.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)))
        {
            received.Add(stream.Current.Text);
        }

        Assert.Equal("Simulated answer to: one two three four five", string.Concat(received));
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task MalformedBody_IsA200ThatTheClientCannotParse(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        await simulator.SetFaultAsync(new { mode = "malformed_body" });
        using var client = SimulatorProtocolTests.CreateRealClient(simulator);

        await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync(Prompt));

        Assert.Equal(1, (await simulator.GetStatsAsync()).FaultedRequests);
    }

    [Fact]
    public async Task Hang_HoldsTheRequest_UntilTheFaultIsCleared_ThenAnswers()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await simulator.SetFaultAsync(new { mode = "hang" });
        using var client = SimulatorProtocolTests.CreateRealClient(simulator);

        var pending = client.GetResponseAsync(Prompt);
        await WaitForChatRequestsAsync(simulator, 1);
        Assert.False(pending.IsCompleted);

        using var http = simulator.CreateHttpClient();
        (await http.DeleteAsync("control/faults")).EnsureSuccessStatusCode();

        Assert.Equal("Simulated answer to: one two three four five", (await pending.WaitAsync(TimeSpan.FromSeconds(10))).Text);
    }

    [Fact]
    public async Task Latency_DelaysTheAnswer_ByTheSimulatorsClock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama, time);
        await simulator.SetFaultAsync(new { mode = "latency", latency_ms = 60_000 });
        using var client = SimulatorProtocolTests.CreateRealClient(simulator);

        var pending = client.GetResponseAsync(Prompt);
        await WaitForChatRequestsAsync(simulator, 1);
        Assert.False(pending.IsCompleted);

        // Keep advancing until the delay registered by the request has elapsed; fake time never passes by itself.
        for (var i = 0; i < 100 && !pending.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(60));
            await Task.WhenAny(pending, Task.Delay(50));
        }

        Assert.Equal("Simulated answer to: one two three four five", (await pending).Text);
    }

    [Fact]
    public async Task FaultForNRequests_ThenHealthyAgain()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await simulator.SetFaultAsync(new { mode = "error_500", requests = 1 });
        using var client = SimulatorProtocolTests.CreateRealClient(simulator);

        await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync(Prompt));
        var second = await client.GetResponseAsync(Prompt);

        Assert.NotEmpty(second.Text);
    }

    [Theory]
    [InlineData("{\"mode\":\"melt_down\"}", "mode")]
    [InlineData("{\"mode\":\"latency\"}", "latency_ms")]
    [InlineData("{\"mode\":\"error_500\",\"requests\":\"many\"}", "requests")]
    [InlineData("not json", "body")]
    public async Task BadFaultRequest_IsAProblemNamingTheField(string body, string field)
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        using var http = simulator.CreateHttpClient();

        var response = await http.PutAsync("control/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
    }

    private static async Task WaitForChatRequestsAsync(SimulatorServer simulator, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while ((await simulator.GetStatsAsync(timeout.Token)).ChatRequests < count)
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

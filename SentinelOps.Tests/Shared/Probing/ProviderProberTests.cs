using System.Net;
using Microsoft.Extensions.Time.Testing;
using SentinelOps.Shared.Probing;
using SentinelOps.Shared.Providers;
using SentinelOps.Simulator;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Shared.Probing;

/// <summary>The prober against the real simulator over loopback HTTP, and its error reporting against a fake handler.</summary>
public sealed class ProviderProberTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task HealthyProvider_ListingItsModel_Succeeds(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        using var http = new HttpClient();

        var result = await new ProviderProber(http, TimeProvider.System).ProbeAsync(ProviderFor(simulator), Timeout);

        Assert.True(result.Success, result.Error);
        Assert.Null(result.Error);
        Assert.Equal(protocol.ToString().ToLowerInvariant() + "-sim", result.Provider);
        Assert.True(result.Latency > TimeSpan.Zero);
        var stats = await simulator.GetStatsAsync();
        Assert.Equal(1, stats.Requests);
        Assert.Equal(0, stats.ChatRequests);
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task ModelNotListed_Fails(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        using var http = new HttpClient();
        var provider = ProviderFor(simulator);
        provider.Model = "no-such-model";

        var result = await new ProviderProber(http, TimeProvider.System).ProbeAsync(provider, Timeout);

        Assert.False(result.Success);
        Assert.Equal("model 'no-such-model' is not listed by the provider (1 model(s) listed)", result.Error);
    }

    [Theory]
    [InlineData(SimulatorProtocol.OpenAI)]
    [InlineData(SimulatorProtocol.Ollama)]
    public async Task Outage_FailsWithTheStatus_AfterOneRequest(SimulatorProtocol protocol)
    {
        await using var simulator = await SimulatorServer.StartAsync(protocol);
        await simulator.SetFaultAsync(new { mode = "error_503" });
        using var http = new HttpClient();

        var result = await new ProviderProber(http, TimeProvider.System).ProbeAsync(ProviderFor(simulator), Timeout);

        Assert.False(result.Success);
        Assert.Equal("HTTP 503 (Service Unavailable)", result.Error);
        Assert.Equal(1, (await simulator.GetStatsAsync()).Requests); // no hidden retry
    }

    [Fact]
    public async Task MalformedBody_Fails()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await simulator.SetFaultAsync(new { mode = "malformed_body" });
        using var http = new HttpClient();

        var result = await new ProviderProber(http, TimeProvider.System).ProbeAsync(ProviderFor(simulator), Timeout);

        Assert.False(result.Success);
        Assert.Contains(result.Error, new[] { "malformed response body", "unexpected response shape (no model list)" });
    }

    [Fact]
    public async Task HangingProvider_TimesOut_AfterExactlyTheTimeout()
    {
        var time = new TimerCountingFakeTimeProvider();
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await simulator.SetFaultAsync(new { mode = "hang" });
        using var http = new HttpClient();

        var probe = new ProviderProber(http, time).ProbeAsync(ProviderFor(simulator), TimeSpan.FromSeconds(3));
        await FakeTime.WaitUntilAsync(() => time.TimersCreated > 0);
        await FakeTime.AssertCompletesAfterAsync(time, probe, TimeSpan.FromSeconds(3));

        var result = await probe;
        Assert.False(result.Success);
        Assert.Equal("timed out after 3 s", result.Error);
        Assert.Equal(TimeSpan.FromSeconds(3), result.Latency);
    }

    [Fact]
    public async Task NothingListening_FailsAsAConnectionError()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var http = new HttpClient();
        var provider = new ProviderOptions { Name = "gone", Kind = ProviderKind.OpenAI, Endpoint = new Uri($"http://127.0.0.1:{port}/v1"), Model = "m" };

        var result = await new ProviderProber(http, TimeProvider.System).ProbeAsync(provider, Timeout);

        Assert.False(result.Success);
        Assert.Equal("request failed: connection failed", result.Error);
    }

    [Fact]
    public async Task ProviderKey_IsSentAsBearer_AndNeverInTheError()
    {
        const string key = "sk-secret-probe-key-123";
        string? authorization = null;
        using var http = new HttpClient(new CallbackHandler(request =>
        {
            authorization = request.Headers.Authorization?.ToString();
            // A provider that echoes what it got in its error body: the probe must not repeat it.
            return new HttpResponseMessage(HttpStatusCode.Unauthorized) { Content = new StringContent($"{{\"error\":\"bad key {key}\"}}") };
        }));
        var provider = new ProviderOptions { Name = "openai", Kind = ProviderKind.OpenAI, Endpoint = new Uri("https://api.example.test/v1/"), Model = "gpt-4o-mini", ApiKey = key };

        var result = await new ProviderProber(http, TimeProvider.System).ProbeAsync(provider, Timeout);

        Assert.Equal($"Bearer {key}", authorization);
        Assert.False(result.Success);
        Assert.Equal("HTTP 401 (Unauthorized)", result.Error);
        Assert.DoesNotContain(key, result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerCancellation_IsNotReportedAsAFailure()
    {
        await using var simulator = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await simulator.SetFaultAsync(new { mode = "hang" });
        using var http = new HttpClient();
        using var cancel = new CancellationTokenSource();

        var probe = new ProviderProber(http, TimeProvider.System).ProbeAsync(ProviderFor(simulator), Timeout, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe);
    }

    [Theory]
    [InlineData(ProviderKind.Ollama, "llama3.2", "llama3.2:latest", true)]
    [InlineData(ProviderKind.Ollama, "llama3.2:latest", "llama3.2", true)]
    [InlineData(ProviderKind.Ollama, "llama3.2", "llama3.2", true)]
    [InlineData(ProviderKind.Ollama, "llama3.2", "llama3.2:1b", false)]
    [InlineData(ProviderKind.Ollama, "llama3.2:1b", "llama3.2:latest", false)]
    [InlineData(ProviderKind.Ollama, "Llama3.2:1B", "llama3.2:1b", true)]
    [InlineData(ProviderKind.OpenAI, "gpt-4o-mini", "gpt-4o-mini", true)]
    [InlineData(ProviderKind.OpenAI, "gpt-4o", "gpt-4o-mini", false)]
    [InlineData(ProviderKind.OpenAI, "gpt-4o-mini", "gpt-4o-mini:latest", false)]
    public void ModelMatches(ProviderKind kind, string configured, string listed, bool expected) =>
        Assert.Equal(expected, ProviderProber.ModelMatches(kind, configured, listed));

    [Theory]
    [InlineData(ProviderKind.OpenAI, "https://api.openai.com/v1", "https://api.openai.com/v1/models")]
    [InlineData(ProviderKind.OpenAI, "http://localhost:8101/v1/", "http://localhost:8101/v1/models")]
    [InlineData(ProviderKind.Ollama, "http://localhost:11434", "http://localhost:11434/api/tags")]
    [InlineData(ProviderKind.Ollama, "http://proxy/ollama/", "http://proxy/ollama/api/tags")]
    public void ProbeUri(ProviderKind kind, string endpoint, string expected) =>
        Assert.Equal(expected, ProviderProber.ProbeUri(kind, new Uri(endpoint)).AbsoluteUri);

    private static ProviderOptions ProviderFor(SimulatorServer simulator) => new()
    {
        Name = simulator.Kind.ToString().ToLowerInvariant() + "-sim",
        Kind = simulator.Kind,
        Endpoint = simulator.ProviderEndpoint,
        Model = simulator.Model,
    };

    private sealed class CallbackHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(respond(request));
    }
}

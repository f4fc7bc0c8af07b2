using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using SentinelOps.Simulator.Faults;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>
/// Starts the whole AppHost once for the end-to-end collection: Redis, both simulators, gateway and monitor as real processes,
/// with the gateway's breaks and timeouts shortened so recoveries happen within a test's time. The gateway runs as
/// <see cref="GatewayReplicas"/> replicas behind its one endpoint, sharing circuits through Redis, as deployed.
/// </summary>
public sealed class SentinelAppFixture : IAsyncLifetime
{
    public static readonly string[] Resources = ["primary", "fallback", "gateway", "monitor"];

    /// <summary>Gateway replicas behind the <c>gateway</c> endpoint (Aspire's proxy spreads requests over them).</summary>
    public const int GatewayReplicas = 2;

    public static readonly TimeSpan IncidentInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MetricsFlushInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MaxBreakDuration = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan TimeToFirstToken = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SentinelOps_AppHost>(
            [
                $"--Gateway:Events:IncidentInterval={IncidentInterval}",
                $"--Gateway:Events:MetricsFlushInterval={MetricsFlushInterval}",
                $"--Gateway:CircuitBreaker:BreakDuration={BreakDuration}",
                $"--Gateway:CircuitBreaker:MaxBreakDuration={MaxBreakDuration}",
                $"--Gateway:Timeouts:TimeToFirstToken={TimeToFirstToken}",
                $"--Gateway:Timeouts:Attempt={AttemptTimeout}",
                "--Gateway:RateLimit:PermitLimit=1000000",
                "--Gateway:RateLimit:ConcurrencyLimit=1000",
                $"--Monitor:HealthCheckInterval={ProbeInterval}",
                $"--Gateway:Events:HeartbeatInterval={HeartbeatInterval}",
                $"--Gateway:Replicas={GatewayReplicas}",

                // This collection slows and breaks the primary test after test, and each test expects the chain's order
                // as configured: drift draining would hand part of the next test's traffic to the fallback. It has its
                // own tests (DriftDrainingIntegrationTests), and the default-settings collection runs with it on.
                "--Gateway:Drift:Enabled=false",

                // The tests run against the simulators and a Redis of their own, whatever this machine's environment says.
                "--OPENAI_API_KEY=",
                "--OLLAMA_BASE_URL=",
                "--REDIS_URL=",
            ],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        foreach (var resource in Resources)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    public HttpClient CreateGatewayClient() => App.CreateHttpClient("gateway", "http");

    /// <summary>A real WebSocket client on the gateway's <c>/ws/system-events</c>, optionally resuming after <paramref name="lastEventId"/>.</summary>
    public Task<TestDoubles.EventStreamClient> ConnectEventsAsync(string? lastEventId = null) =>
        TestDoubles.EventStreamClient.ConnectAsync(App.GetEndpoint("gateway", "http"), lastEventId);

    public HttpClient CreateSimulatorClient(string simulator) => App.CreateHttpClient(simulator, "http");

    /// <summary>Runs a resource's command, on every replica of a replicated resource (the gateway).</summary>
    public async Task ExecuteCommandAsync(string resource, string command)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(Resource(resource), command, CancellationToken.None);
        Assert.True(result.Success, $"{resource}/{command}: {result.Message}");
    }

    /// <summary>The app model's resource called <paramref name="name"/>.</summary>
    public IResource Resource(string name) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == name);

    /// <summary>
    /// Each gateway replica's own address (its process's <c>ASPNETCORE_URLS</c>, behind Aspire's proxy), so a test can
    /// send a request to one replica in particular.
    /// </summary>
    public static Task<IReadOnlyList<Uri>> GetGatewayReplicasAsync(DistributedApplication app) => GetReplicasAsync(app, "gateway", GatewayReplicas);

    internal static async Task<IReadOnlyList<Uri>> GetReplicasAsync(DistributedApplication app, string resource, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var found = new Dictionary<string, Uri>(StringComparer.Ordinal);
        await foreach (var notice in app.ResourceNotifications.WatchAsync(timeout.Token))
        {
            if (notice.Resource.Name == resource
                && notice.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value is { } urls
                && Uri.TryCreate(urls.Split(';')[0], UriKind.Absolute, out var address))
            {
                found[notice.ResourceId] = address;
                if (found.Count == count)
                {
                    break;
                }
            }
        }

        return [.. found.Values];
    }

    public async Task<SimulatorStats> GetStatsAsync(string simulator)
    {
        using var http = CreateSimulatorClient(simulator);
        return (await http.GetFromJsonAsync<SimulatorStats>("/control/stats"))!;
    }

    public async Task SetFaultAsync(string simulator, object fault)
    {
        using var http = CreateSimulatorClient(simulator);
        (await http.PutAsJsonAsync("/control/faults", fault)).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// Clears every fault and waits until the primary answers again, so each test starts from a healthy system
    /// whatever the previous test left open (a closed circuit needs a trial after its break).
    /// </summary>
    public async Task ResetAsync()
    {
        await ExecuteCommandAsync("primary", "restore");
        await ExecuteCommandAsync("fallback", "restore");
        using var gateway = CreateGatewayClient();
        using var deadline = new CancellationTokenSource(MaxBreakDuration * 3);
        while (true)
        {
            var response = await gateway.PostAsJsonAsync("/api/chat", new { message = "are you back?" }, deadline.Token);
            if (response.IsSuccessStatusCode
                && JsonDocument.Parse(await response.Content.ReadAsStringAsync(deadline.Token)).RootElement.GetProperty("provider_used").GetString() == "primary")
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }

        foreach (var simulator in new[] { "primary", "fallback" })
        {
            using var http = CreateSimulatorClient(simulator);
            (await http.DeleteAsync("/control/stats")).EnsureSuccessStatusCode();
        }
    }

    /// <summary>A client of the app's Redis (the <c>redis</c> connection string the services receive).</summary>
    public async Task<StackExchange.Redis.ConnectionMultiplexer> ConnectRedisAsync()
    {
        var connectionString = await App.GetConnectionStringAsync("redis");
        return await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(connectionString + ",abortConnect=false");
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}

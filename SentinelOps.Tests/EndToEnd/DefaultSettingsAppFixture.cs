using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using SentinelOps.Simulator.Faults;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>
/// Starts the whole AppHost once for its collection with the gateway's default settings, unlike
/// <see cref="SentinelAppFixture"/>, which shortens breaks and timeouts so recoveries fit in a test. Two gateway
/// replicas, as there.
/// </summary>
public sealed class DefaultSettingsAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SentinelOps_AppHost>(
            [
                // Resilience defaults, but not the per-client rate limit (100 per 60 s): the concurrent phase sends
                // tens of thousands of requests from one client on purpose.
                "--Gateway:RateLimit:PermitLimit=10000000",
                $"--Gateway:Replicas={SentinelAppFixture.GatewayReplicas}",
            ],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        foreach (var resource in SentinelAppFixture.Resources)
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }
    }

    /// <summary>A client of the gateway that gives up after <paramref name="timeout"/>, as an impatient application does.</summary>
    public HttpClient CreateGatewayClient(TimeSpan timeout)
    {
        var client = App.CreateHttpClient("gateway", "http");
        client.Timeout = timeout;
        return client;
    }

    public async Task<SimulatorStats> GetStatsAsync(string simulator)
    {
        using var http = App.CreateHttpClient(simulator, "http");
        return (await http.GetFromJsonAsync<SimulatorStats>("/control/stats"))!;
    }

    public async Task SetFaultAsync(string simulator, object fault)
    {
        using var http = App.CreateHttpClient(simulator, "http");
        (await http.PutAsJsonAsync("/control/faults", fault)).EnsureSuccessStatusCode();
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

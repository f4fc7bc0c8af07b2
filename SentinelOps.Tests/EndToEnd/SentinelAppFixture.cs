using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace SentinelOps.Tests.EndToEnd;

/// <summary>Starts the whole AppHost once for a test class: Redis, both simulators, gateway and monitor as real processes.</summary>
public sealed class SentinelAppFixture : IAsyncLifetime
{
    public static readonly string[] Resources = ["primary", "fallback", "gateway", "monitor"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SentinelOps_AppHost>(
            [],
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

    public async Task ExecuteCommandAsync(string resource, string command)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resource, command, CancellationToken.None);
        Assert.True(result.Success, $"{resource}/{command}: {result.Message}");
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

using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SentinelOps.Shared.Providers;
using SentinelOps.Simulator;
using SentinelOps.Simulator.Faults;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>A simulator on Kestrel at a free loopback port: real HTTP, in this process.</summary>
internal sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The provider kind a gateway would configure for this simulator.</summary>
    public ProviderKind Kind => Options.Protocol == SimulatorProtocol.OpenAI ? ProviderKind.OpenAI : ProviderKind.Ollama;

    /// <summary>The OpenAI base URL (<c>…/v1</c>) or the Ollama root, as a provider's endpoint is configured.</summary>
    public Uri ProviderEndpoint => Kind == ProviderKind.OpenAI ? new Uri(BaseAddress, "v1") : BaseAddress;

    public string Model => Options.EffectiveModel;

    private SimulatorOptions Options => _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SimulatorOptions>>().Value;

    public static async Task<SimulatorServer> StartAsync(
        SimulatorProtocol protocol, TimeProvider? timeProvider = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Simulator:Name"] = protocol.ToString().ToLowerInvariant();
        builder.Configuration["Simulator:Protocol"] = protocol.ToString();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (timeProvider is not null)
        {
            builder.Services.AddSingleton(timeProvider);
        }

        builder.AddSimulator();
        var app = builder.Build();
        app.MapSimulator();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new SimulatorServer(app, new Uri(address + "/"));
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress };

    /// <summary>Injects a fault through the control API.</summary>
    public async Task SetFaultAsync(object fault)
    {
        using var http = CreateHttpClient();
        (await http.PutAsJsonAsync("control/faults", fault)).EnsureSuccessStatusCode();
    }

    /// <summary>Clears any injected fault (requests a hang or stall holds are released).</summary>
    public async Task ClearFaultAsync()
    {
        using var http = CreateHttpClient();
        (await http.DeleteAsync("control/faults")).EnsureSuccessStatusCode();
    }

    /// <summary>The request counters.</summary>
    public async Task<SimulatorStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        using var http = CreateHttpClient();
        return (await http.GetFromJsonAsync<SimulatorStats>("control/stats", cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

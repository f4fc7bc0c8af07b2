using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Gateway.Routing;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>
/// The whole gateway (services, security, events, endpoints, as Program.cs composes them) on Kestrel at a free loopback
/// port, over two in-process simulators (and a test Redis when given): real HTTP end to end, in this process.
/// </summary>
internal sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public ProviderChain Chain => _app.Services.GetRequiredService<ProviderChain>();

    /// <summary>Starts a gateway with its events on the Redis at <paramref name="redisConnectionString"/>.</summary>
    public static Task<GatewayServer> StartAsync(
        SimulatorServer primary,
        SimulatorServer fallback,
        string? redisConnectionString,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redisConnectionString,
            ["Sentinel:Events:RetryInterval"] = "00:00:00.100",
            ["Gateway:Events:MetricsFlushInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return StartAsync(primary, fallback, all, configure);
    }

    /// <summary>Starts a gateway in front of <paramref name="primary"/> (OpenAI) and <paramref name="fallback"/> (Ollama).</summary>
    /// <param name="settings">Configuration on top of the providers, <c>APP_ENV=development</c> and a rate limit too high to matter.</param>
    /// <param name="configure">Extra services (a log provider, an OpenTelemetry exporter, …).</param>
    /// <param name="map">Extra endpoints.</param>
    public static async Task<GatewayServer> StartAsync(
        SimulatorServer primary,
        SimulatorServer fallback,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["APP_ENV"] = "development",
            ["Providers:0:Name"] = "primary",
            ["Providers:0:Kind"] = primary.Kind.ToString(),
            ["Providers:0:Endpoint"] = primary.ProviderEndpoint.ToString(),
            ["Providers:0:Model"] = primary.Model,
            ["Providers:1:Name"] = "fallback",
            ["Providers:1:Kind"] = fallback.Kind.ToString(),
            ["Providers:1:Endpoint"] = fallback.ProviderEndpoint.ToString(),
            ["Providers:1:Model"] = fallback.Model,
            ["Gateway:Retry:BaseDelay"] = "00:00:00",
            ["Gateway:RateLimit:PermitLimit"] = "1000000",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        configure?.Invoke(builder);

        // As Program.cs.
        builder.AddGatewayServices();
        var app = builder.Build();
        app.UseGatewayPipeline();
        app.MapGatewayEndpoints();
        map?.Invoke(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new GatewayServer(app, new Uri(address + "/"));
    }

    /// <summary>A client; with <paramref name="key"/>, it sends it as <c>Authorization: Bearer</c>.</summary>
    public HttpClient CreateClient(string? key = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        return http;
    }

    public HttpClient CreateHttpClient() => CreateClient();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Gateway.Providers;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>The real gateway (services and endpoints as Program.cs maps them) on Kestrel at a free loopback port, over two simulators and a test Redis.</summary>
internal sealed class EventsGatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EventsGatewayServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public ProviderChain Chain => _app.Services.GetRequiredService<ProviderChain>();

    public static async Task<EventsGatewayServer> StartAsync(
        SimulatorServer primary, SimulatorServer fallback, string? redisConnectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:0:Name"] = "primary",
            ["Providers:0:Kind"] = "OpenAI",
            ["Providers:0:Endpoint"] = primary.ProviderEndpoint.ToString(),
            ["Providers:0:Model"] = primary.Model,
            ["Providers:1:Name"] = "fallback",
            ["Providers:1:Kind"] = "Ollama",
            ["Providers:1:Endpoint"] = fallback.ProviderEndpoint.ToString(),
            ["Providers:1:Model"] = fallback.Model,
            ["Gateway:Retry:BaseDelay"] = "00:00:00",
            ["ConnectionStrings:redis"] = redisConnectionString,
            ["Sentinel:Events:RetryInterval"] = "00:00:00.100",
            ["Gateway:Events:MetricsFlushInterval"] = "00:00:00.200",
            ["APP_ENV"] = "development",
            ["Gateway:RateLimit:PermitLimit"] = "1000000",
            ["Gateway:RateLimit:ConcurrencyLimit"] = "1000",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        builder.AddGatewaySecurity();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseClientSecurity();
        app.MapDefaultEndpoints();
        app.MapChatApi();
        app.MapOpenAiApi();
        app.MapProvidersApi();
        app.MapGatewayEventsApis();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EventsGatewayServer(app, new Uri(address + "/"));
    }

    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

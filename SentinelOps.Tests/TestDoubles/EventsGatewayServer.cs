using SentinelOps.Gateway.Routing;
using Microsoft.AspNetCore.Builder;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>
/// The real gateway on Kestrel at a free loopback port, over two simulators and a test Redis: <see cref="GatewayServer"/>
/// (the whole pipeline, security included, open as in development) with the events settings these tests use.
/// </summary>
internal sealed class EventsGatewayServer : IAsyncDisposable
{
    private readonly GatewayServer _server;

    private EventsGatewayServer(GatewayServer server) => _server = server;

    public Uri BaseAddress => _server.BaseAddress;

    public IServiceProvider Services => _server.Services;

    public ProviderChain Chain => _server.Chain;

    public static async Task<EventsGatewayServer> StartAsync(
        SimulatorServer primary,
        SimulatorServer fallback,
        string? redisConnectionString,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null) =>
        new(await GatewayServer.StartAsync(primary, fallback, redisConnectionString, settings, configure));

    public HttpClient CreateHttpClient() => _server.CreateHttpClient();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using Microsoft.Extensions.AI;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Routing;
using SentinelOps.Simulator;
using SentinelOps.Simulator.Faults;
using SentinelOps.Tests.TestDoubles;

namespace SentinelOps.Tests.Gateway;

/// <summary>Provider calls go out exactly as the gateway's own middleware decides: no retry hidden underneath.</summary>
public sealed class ProviderHttpClientTests
{
    [Fact]
    public async Task WithGatewayRetriesOff_AFailingProviderSeesExactlyOneCallPerRequest()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        await primary.SetFaultAsync(new { mode = "error_503" });

        using var gateway = GatewayHost.Create(primary, fallback, settings: new Dictionary<string, string?>
        {
            ["Gateway:Retry:MaxRetryAttempts"] = "0",
            ["Gateway:CircuitBreaker:FailureThreshold"] = "100",
        });

        for (var i = 0; i < 2; i++)
        {
            await gateway.ChatClient.GetResponseAsync("hello");
        }

        Assert.Equal(2, (await primary.GetStatsAsync()).ChatRequests);
    }

    [Fact]
    public async Task TheProviderClient_CarriesNoLoggingResilienceOrServiceDiscoveryHandler_OnlyTheSentMarker()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        using var gateway = GatewayHost.Create(primary, fallback);

        // The gateway's host adds the service defaults, whose ConfigureHttpClientDefaults put resilience, service
        // discovery and the factory's logging on every client: the provider client must have shed all three.
        var handler = gateway.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(ProviderChain.HttpClientName);
        var chain = new List<HttpMessageHandler>();
        for (var current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(current);
        }

        var delegating = chain.OfType<DelegatingHandler>().Select(h => h.GetType()).ToList();
        Assert.Contains(typeof(ProviderRequestSentHandler), delegating);
        Assert.DoesNotContain(delegating, type => type.Namespace!.StartsWith("Microsoft.Extensions.ServiceDiscovery", StringComparison.Ordinal));
        Assert.DoesNotContain(delegating, type => type.Namespace!.StartsWith("Microsoft.Extensions.Http.Logging", StringComparison.Ordinal));
        Assert.DoesNotContain(delegating, type => type.Namespace!.StartsWith("Microsoft.Extensions.Http.Resilience", StringComparison.Ordinal));
        Assert.DoesNotContain(delegating, type => type.Namespace!.StartsWith("Polly", StringComparison.Ordinal));

        // The marker is innermost, so it sees the request only once it is really going out.
        Assert.IsType<ProviderRequestSentHandler>(chain[^2]);
        var sockets = Assert.IsType<SocketsHttpHandler>(chain[^1]);
        Assert.False(sockets.AllowAutoRedirect);
    }

    [Fact]
    public async Task OtherClients_KeepTheServiceDefaults()
    {
        await using var primary = await SimulatorServer.StartAsync(SimulatorProtocol.OpenAI);
        await using var fallback = await SimulatorServer.StartAsync(SimulatorProtocol.Ollama);
        using var gateway = GatewayHost.Create(primary, fallback);

        // Only the provider client opts out: the check above would pass vacuously if the defaults added nothing.
        var handler = gateway.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("any-other-client");
        var types = new List<Type>();
        for (var current = handler; current is DelegatingHandler delegating; current = delegating.InnerHandler)
        {
            types.Add(current.GetType());
        }

        Assert.Contains(types, type => type.Namespace!.StartsWith("Microsoft.Extensions.ServiceDiscovery", StringComparison.Ordinal));
        Assert.Contains(types, type => type.Namespace!.StartsWith("Microsoft.Extensions.Http.Logging", StringComparison.Ordinal));
    }
}

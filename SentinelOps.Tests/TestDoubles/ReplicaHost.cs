using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentinelOps.Gateway.Extensions;
using SentinelOps.Gateway.Resilience.CircuitBreaking;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>
/// One gateway replica's services, started (hosted services included: events, the shared circuits), on a given clock
/// and Redis, with a replica id of its own. Its providers point nowhere: tests drive the breakers themselves.
/// </summary>
internal sealed class ReplicaHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ReplicaHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    /// <summary>The primary's breaker.</summary>
    public CircuitBreaker Primary => _host.Services.GetRequiredService<SentinelOps.Gateway.Routing.ProviderChain>().Providers[0].Breaker;

    /// <summary>The fallback's breaker.</summary>
    public CircuitBreaker Fallback => _host.Services.GetRequiredService<SentinelOps.Gateway.Routing.ProviderChain>().Providers[1].Breaker;

    public static async Task<ReplicaHost> StartAsync(string replicaId, string redisConnectionString, TimeProvider time, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:0:Name"] = "primary",
            ["Providers:0:Kind"] = "OpenAI",
            ["Providers:0:Endpoint"] = "http://127.0.0.1:9/v1",
            ["Providers:0:Model"] = "m",
            ["Providers:1:Name"] = "fallback",
            ["Providers:1:Kind"] = "Ollama",
            ["Providers:1:Endpoint"] = "http://127.0.0.1:9",
            ["Providers:1:Model"] = "m",
            ["ConnectionStrings:redis"] = redisConnectionString,
            ["Gateway:SharedCircuits:ReplicaId"] = replicaId,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton(time);
        builder.AddApplicationServices();
        var host = builder.Build();
        await host.StartAsync();
        return new ReplicaHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(timeout.Token);
        _host.Dispose();
    }
}

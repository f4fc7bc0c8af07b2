using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SentinelOps.Gateway.Extensions;

namespace SentinelOps.Tests.TestDoubles;

/// <summary>The gateway's services (options, provider chain, failover client) over two in-process simulators.</summary>
internal sealed class GatewayHost : IDisposable
{
    private readonly IHost _host;

    private GatewayHost(IHost host) => _host = host;

    public IChatClient ChatClient => _host.Services.GetRequiredService<IChatClient>();

    public IServiceProvider Services => _host.Services;

    /// <summary>The provider chain: each provider's pipeline and circuit breaker.</summary>
    public SentinelOps.Gateway.Routing.ProviderChain Chain => _host.Services.GetRequiredService<SentinelOps.Gateway.Routing.ProviderChain>();

    public static GatewayHost Create(
        SimulatorServer primary,
        SimulatorServer fallback,
        string? primaryKey = null,
        string? fallbackKey = null,
        ILoggerProvider? logs = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Providers:0:Name"] = "primary",
            ["Providers:0:Kind"] = primary.Kind.ToString(),
            ["Providers:0:Endpoint"] = primary.ProviderEndpoint.ToString(),
            ["Providers:0:Model"] = primary.Model,
            ["Providers:0:ApiKey"] = primaryKey,
            ["Providers:1:Name"] = "fallback",
            ["Providers:1:Kind"] = fallback.Kind.ToString(),
            ["Providers:1:Endpoint"] = fallback.ProviderEndpoint.ToString(),
            ["Providers:1:Model"] = fallback.Model,
            ["Providers:1:ApiKey"] = fallbackKey,
            ["Gateway:Retry:BaseDelay"] = "00:00:00",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (logs is not null)
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
        }

        // As in the real gateway: the service defaults add a standard resilience handler to every HttpClient.
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        return new GatewayHost(builder.Build());
    }

    public void Dispose() => _host.Dispose();
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Gateway.Providers;

/// <summary>Builds and owns one chat client pipeline per configured provider, in priority order.</summary>
public sealed class ProviderChain : IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> configuration provider calls use.</summary>
    public const string HttpClientName = "sentinel-provider";

    /// <summary>Creates the pipelines for the configured providers.</summary>
    public ProviderChain(IOptions<ProvidersOptions> options, IHttpClientFactory httpClientFactory, IServiceProvider services)
    {
        Providers = options.Value.InPriorityOrder
            .Select(provider => new ProviderClient(provider, BuildPipeline(provider, httpClientFactory, services)))
            .ToArray();
    }

    /// <summary>The providers, in the order requests try them.</summary>
    public IReadOnlyList<ProviderClient> Providers { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var provider in Providers)
        {
            provider.Client.Dispose();
        }
    }

    private static IChatClient BuildPipeline(ProviderOptions provider, IHttpClientFactory httpClientFactory, IServiceProvider services)
    {
        var protocolClient = ProviderChatClientFactory.Create(provider, httpClientFactory.CreateClient(HttpClientName));
        return new ChatClientBuilder(protocolClient)
            .UseOpenTelemetry()
            .Build(services);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SentinelOps.Shared.Probing;

/// <summary>Registers <see cref="ProviderProber"/> with its own <see cref="HttpClient"/> and its options (section <c>Monitor</c>).</summary>
public static class ProviderProberExtensions
{
    /// <summary>
    /// Adds <see cref="ProviderProber"/> as a typed client with no resilience handler (a probe is one request; a hidden
    /// retry would hide the very failure it looks for) and no client timeout (each probe has its own).
    /// </summary>
    public static IServiceCollection AddProviderProber(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ProviderHealthOptions>()
            .BindConfiguration(ProviderHealthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it is the supported way to opt one client out of ConfigureHttpClientDefaults.
        services.AddHttpClient<ProviderProber>()
            .RemoveAllResilienceHandlers()
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
#pragma warning restore EXTEXP0001
        return services;
    }
}

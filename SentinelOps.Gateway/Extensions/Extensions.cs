using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Caching;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Resilience;
using SentinelOps.Gateway.Resilience.CircuitBreaking;
using SentinelOps.Gateway.Resilience.SharedCircuits;
using SentinelOps.Gateway.Routing;
using SentinelOps.Gateway.Routing.Drift;
using SentinelOps.Shared.Json;
using SentinelOps.Shared.Providers;
using StackExchange.Redis;

namespace SentinelOps.Gateway.Extensions;

/// <summary>Registers the gateway's services.</summary>
internal static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GatewayOptions>(GatewayOptions.SectionName);
        builder.Services.AddValidatedOptions<CircuitBreakerOptions>(CircuitBreakerOptions.SectionName);
        builder.Services.AddValidatedOptions<RetryOptions>(RetryOptions.SectionName);
        builder.Services.AddValidatedOptions<AttemptTimeoutOptions>(AttemptTimeoutOptions.SectionName);
        builder.Services.AddValidatedOptions<SlowCallOptions>(SlowCallOptions.SectionName);
        builder.Services.AddValidatedOptions<ResponseCacheOptions>(ResponseCacheOptions.SectionName);
        builder.Services.AddValidatedOptions<RoutingOptions>(RoutingOptions.SectionName);
        builder.Services.AddValidatedOptions<HedgingOptions>(HedgingOptions.SectionName);
        builder.Services.AddValidatedOptions<StreamingOptions>(StreamingOptions.SectionName);
        builder.Services.AddValidatedOptions<DriftOptions>(DriftOptions.SectionName);
        builder.Services.AddOptions<ProvidersOptions>()
            .Bind(builder.Configuration)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(options => SentinelJson.Configure(options.SerializerOptions));
        builder.Services.AddProblemDetails();

        builder.Services.AddProviderHttpClient();

        builder.Services.AddSingleton<ProviderChain>();
        builder.Services.AddSingleton(services => services.GetRequiredService<ProviderChain>().Health);
        builder.AddGatewayEvents();
        builder.Services.AddHostedService<ProviderDriftUpdater>();
        builder.AddSharedCircuits();
        // The response cache lives in the events' Redis when there is one, so replicas share it; else in this process.
        builder.Services.TryAddSingleton<IDistributedCache>(services => services.GetService<IConnectionMultiplexer>() is { } redis
            ? new RedisCache(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = () => Task.FromResult(redis), InstanceName = "sentinel:cache:" }))
            : new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));
        builder.Services.AddGatewayChatClient();

        return builder;
    }

    private static void AddValidatedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class =>
        services.AddOptions<TOptions>()
            .BindConfiguration(section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using SentinelOps.Monitor.Health;
using SentinelOps.Monitor.Probing;
using SentinelOps.Shared.Probing;
using SentinelOps.Shared.Providers;

namespace SentinelOps.Monitor.Extensions;

/// <summary>Registers the monitor: the provider list, the prober, the probe cycle and its loop, and the health check that watches the loop.</summary>
internal static class MonitorExtensions
{
    public static IHostApplicationBuilder AddProviderMonitoring(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProvidersOptions>()
            .Bind(builder.Configuration)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddSentinelEvents();
        builder.Services.AddProviderProber();

        builder.Services.AddSingleton<ProbeCycleClock>();
        builder.Services.AddSingleton<ProbeCycle>();
        builder.Services.AddSingleton<LastKnownStatusReader>();
        builder.Services.TryAddSingleton<IMetricsPayloadSource>(services => ActivatorUtilities.CreateInstance<RedisMetricsPayloadSource>(
            services, new Lazy<ProbeCycle>(services.GetRequiredService<ProbeCycle>)));
        builder.Services.AddHostedService<MonitorWorker>();
        builder.Services.AddHealthChecks().AddCheck<ProbingHealthCheck>("probing");
        return builder;
    }
}

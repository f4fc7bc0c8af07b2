using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SentinelOps.Gateway.Events;

/// <summary>Registers the live event WebSocket: its hub, the Redis relay that feeds it, the heartbeat, and its options.</summary>
internal static class SystemEventsExtensions
{
    public static IHostApplicationBuilder AddSystemEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SystemEventsOptions>()
            .BindConfiguration(SystemEventsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddSentinelEvents(); // the Redis client, sink and incident reader (idempotent)
        builder.Services.AddSingleton<IIncidentBacklog, StreamIncidentBacklog>();
        builder.Services.AddSingleton<SystemEventsHub>();
        builder.Services.AddSingleton<SystemEventsConnection>();
        builder.Services.AddHostedService<RedisEventRelay>();
        builder.Services.AddHostedService<HeartbeatService>();
        return builder;
    }
}

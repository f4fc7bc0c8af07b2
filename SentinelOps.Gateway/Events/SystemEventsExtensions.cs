using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SentinelOps.Gateway.Events;

/// <summary>
/// Registers the live event WebSocket: its hub, the heartbeat, its options, and the one Redis subscriber that feeds both
/// the hub and the circuits' <see cref="MonitorReportApplier"/> (registered by <c>AddGatewayEvents</c>).
/// </summary>
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
        builder.Services.AddHostedService<RedisEventSubscriber>();
        builder.Services.AddHostedService<HeartbeatService>();
        return builder;
    }
}

using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Routing;

namespace SentinelOps.Gateway.Events;

/// <summary>Registers the gateway's incidents, counters, meter and monitor reports, and maps their endpoints.</summary>
internal static class GatewayEventsExtensions
{
    /// <summary>
    /// Adds Redis events (<c>AddSentinelEvents</c>), request counting (<see cref="RequestOutcomeRecorder"/>, used by
    /// <see cref="RequestMetricsChatClientBuilderExtensions.UseRequestMetrics"/>), circuit incidents, the monitor reports'
    /// hold on the circuits (<see cref="MonitorReportApplier"/>, fed by the subscriber <c>AddSystemEvents</c> adds), and
    /// the periodic counter flush.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayEvents(this IHostApplicationBuilder builder)
    {
        builder.AddSentinelEvents();
        builder.Services.AddOptions<GatewayEventsOptions>()
            .BindConfiguration(GatewayEventsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(services => new RequestCounters(services.GetRequiredService<ProviderChain>().Providers.Select(p => p.Name)));
        builder.Services.AddSingleton(services => new TrafficShare(
            services.GetRequiredService<ProviderChain>().Providers.Select(p => p.Name),
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RoutingOptions>>().Value.ShareWindow,
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(services => new GatewayTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>())
            .Observe(services.GetRequiredService<ProviderChain>(), services.GetRequiredService<SentinelOps.Shared.Events.RedisSentinelEventSink>()));
        builder.Services.AddSingleton<RequestOutcomeRecorder>();
        builder.Services.AddSingleton<RequestMetricsStore>();
        builder.Services.AddHostedService<CircuitIncidentRecorder>();
        builder.Services.AddSingleton<MonitorReportApplier>();
        builder.Services.AddHostedService(services => services.GetRequiredService<MonitorReportApplier>());
        builder.Services.AddHostedService<GatewayEventsService>();
        return builder;
    }

    /// <summary>Maps <c>GET /api/incidents</c> and <c>GET /api/metrics</c>.</summary>
    public static IEndpointRouteBuilder MapGatewayEventsApis(this IEndpointRouteBuilder app) =>
        app.MapIncidentsApi().MapMetricsApi();
}

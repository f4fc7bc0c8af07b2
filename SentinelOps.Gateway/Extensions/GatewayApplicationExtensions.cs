using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Events;
using SentinelOps.Gateway.Operator;
using SentinelOps.Shared.Probing;

namespace SentinelOps.Gateway.Extensions;

/// <summary>
/// The gateway as one composition: its services, its middleware in order, its endpoints. <c>Program.cs</c> and the
/// in-process test server both use these, so a test runs the gateway that ships.
/// </summary>
public static class GatewayApplicationExtensions
{
    /// <summary>Registers every gateway service: defaults, provider chain, operator tools, security, probes, live events.</summary>
    public static IHostApplicationBuilder AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        builder.AddOperatorServices();
        builder.AddGatewaySecurity();
        builder.Services.AddProviderProber();
        builder.AddSystemEvents();
        return builder;
    }

    /// <summary>
    /// The middleware, outermost first: a known proxy's forwarded headers, security headers on every response, errors as
    /// problem documents, the open status page, then client security.
    /// </summary>
    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        app.UseForwardedHeadersFromKnownProxies();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseStatusPage();
        app.UseClientSecurity();
        app.UseWebSockets();
        return app;
    }

    /// <summary>Maps every endpoint.</summary>
    public static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapChatApi();
        app.MapOpenAiApi();
        app.MapProvidersApi();
        app.MapFaultsApi();
        app.MapCircuitsApi();
        app.MapApiReference();
        app.MapAuthApi();
        app.MapGatewayEventsApis();
        app.MapProbeApi();
        app.MapSystemEventsApi();
        return app;
    }
}

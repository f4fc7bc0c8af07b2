using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SentinelOps.Gateway.Apis;
using SentinelOps.Gateway.Metrics;
using SentinelOps.Gateway.Security;
using SentinelOps.Gateway.Validation;

namespace SentinelOps.Gateway.Extensions;

/// <summary>Client authentication, scopes, rate limits, request limits, WebSocket rules, security headers and known proxies.</summary>
internal static partial class SecurityExtensions
{
    /// <summary>Registers the security services and options.</summary>
    public static IHostApplicationBuilder AddGatewaySecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RequestLimitsOptions>().BindConfiguration(RequestLimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebSocketSecurityOptions>().BindConfiguration(WebSocketSecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SecurityHeadersOptions>().BindConfiguration(SecurityHeadersOptions.SectionName);
        services.AddOptions<ForwardedHeadersSecurityOptions>().BindConfiguration(ForwardedHeadersSecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSecurityOptions>>((forwarded, proxies) =>
            ConfigureForwardedHeaders(forwarded, proxies.Value));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ClientKeyStore>();
        services.AddSingleton<WebSocketTicketService>();

        // Kestrel refuses a larger body as it arrives (413), so no endpoint ever buffers more than this.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<RequestLimitsOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = limits.Value.MaxBodyBytes);

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ClientScopes.AnyKeyPolicy, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(ClientScopes.Chat, policy => policy.RequireAuthenticatedUser().RequireClaim(ClientScopes.ClaimType, ClientScopes.Chat))
            .AddPolicy(ClientScopes.Admin, policy => policy.RequireAuthenticatedUser().RequireClaim(ClientScopes.ClaimType, ClientScopes.Admin))
            // Every endpoint needs a valid key unless it says AllowAnonymous() (health checks, static files).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, limits) => ConfigureRateLimiter(options, limits.Value));
        return builder;
    }

    /// <summary>
    /// A known proxy's <c>X-Forwarded-For</c>/<c>-Proto</c>/<c>-Host</c> applied to the request: first in the pipeline, so
    /// every later step (origin check, rate limits per address, logs) sees the client's scheme, host and address.
    /// </summary>
    public static WebApplication UseForwardedHeadersFromKnownProxies(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }

    /// <summary>Security headers and request ids: early in the pipeline, so every response has them, errors included.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }

    /// <summary>
    /// Key in URL refused, authentication, authorization, WebSocket rules, per-client rate limits. Static files served
    /// before this are open; endpoints after it need a key unless they are <c>AllowAnonymous()</c>.
    /// </summary>
    public static WebApplication UseClientSecurity(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SentinelOps.Gateway.Security");
        if (app.Services.GetRequiredService<ClientKeyStore>().IsOpen)
        {
            LogRunningOpen(logger);
        }

        app.UseMiddleware<QueryStringKeyGuardMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<WebSocketGuardMiddleware>();
        app.UseRateLimiter();
        return app;
    }

    private static void ConfigureForwardedHeaders(ForwardedHeadersOptions forwarded, ForwardedHeadersSecurityOptions proxies)
    {
        forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        if (!proxies.IsConfigured)
        {
            return; // ASP.NET Core's default: loopback only
        }

        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in proxies.KnownProxies)
        {
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in proxies.KnownNetworks)
        {
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }

    private static void ConfigureRateLimiter(RateLimiterOptions options, RateLimitOptions limits)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        var concurrency = PartitionedRateLimiter.Create<HttpContext, string>(context => PartitionOf(context) is { } client
            ? RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions { PermitLimit = limits.ConcurrencyLimit, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(string.Empty));
        var window = PartitionedRateLimiter.Create<HttpContext, string>(context => PartitionOf(context) is { } client
            ? RateLimitPartition.GetSlidingWindowLimiter(client, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = limits.PermitLimit,
                Window = limits.Window,
                SegmentsPerWindow = limits.SegmentsPerWindow,
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter(string.Empty));

        // Concurrency first: a request refused for being one too many in flight does not also use up a window permit.
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(concurrency, window);
        options.OnRejected = (rejected, _) =>
        {
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero
                ? wait
                : limits.Window / limits.SegmentsPerWindow;
            rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return new ValueTask(GatewayProblems.Field(
                StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests", "rate_limit",
                $"This client is over its limit of {limits.PermitLimit} requests per {limits.Window.TotalSeconds:0.#} s "
                + $"or {limits.ConcurrencyLimit} at once; retry after the time in Retry-After.").ExecuteAsync(rejected.HttpContext));
        };
    }

    // Per key; the open gateway's clients per IP address. Open endpoints (health, static files) are not limited, and
    // neither are WebSocket connections, which are capped by count instead.
    private static string? PartitionOf(HttpContext context)
    {
        if (context.GetEndpoint() is not { } endpoint || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return null;
        }

        var name = context.User.Identity?.Name;
        return name is null or ApiKeyAuthenticationHandler.OpenClientName
            ? "ip " + context.Connection.RemoteIpAddress
            : name;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No client keys are configured (Gateway:Auth:Keys): the gateway is OPEN, anyone who reaches it can spend the provider keys. Configure keys before exposing it.")]
    private static partial void LogRunningOpen(ILogger logger);
}

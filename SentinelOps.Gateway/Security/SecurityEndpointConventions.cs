using Microsoft.AspNetCore.RateLimiting;

namespace SentinelOps.Gateway.Security;

/// <summary>
/// What an endpoint needs of its caller. Every endpoint already needs a valid key (the fallback policy) unless it is
/// marked <c>AllowAnonymous()</c>; these add a scope, or the WebSocket rules.
/// </summary>
public static class SecurityEndpointConventions
{
    /// <summary>Needs a key with the <c>chat</c> scope.</summary>
    public static TBuilder RequireChatScope<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(ClientScopes.Chat);

    /// <summary>Needs a key with the <c>admin</c> scope (probes, faults, circuit resets and other operational writes).</summary>
    public static TBuilder RequireAdminScope<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(ClientScopes.Admin);

    /// <summary>Needs any valid key (what the fallback policy already asks; use it to say so explicitly).</summary>
    public static TBuilder RequireClientKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireAuthorization(ClientScopes.AnyKeyPolicy);

    /// <summary>
    /// A WebSocket endpoint: any valid key, in a header or as a single-use <c>?ticket=</c>; the <c>Origin</c> must be
    /// allowed; connections are capped (not rate-limited per request, since one connection lasts long).
    /// </summary>
    public static TBuilder RequireWebSocketAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder
            .RequireAuthorization(ClientScopes.AnyKeyPolicy)
            .WithMetadata(WebSocketEndpointMetadata.Instance)
            .DisableRateLimiting();
}

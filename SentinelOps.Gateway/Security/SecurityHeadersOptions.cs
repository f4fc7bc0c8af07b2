namespace SentinelOps.Gateway.Security;

/// <summary>Response security headers (section <c>Gateway:SecurityHeaders</c>).</summary>
public sealed class SecurityHeadersOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:SecurityHeaders";

    /// <summary>
    /// The default <see cref="ContentSecurityPolicy"/>: own scripts, styles and images only, no framing. Connections
    /// (fetch and the live events' WebSocket) go to the page's own origin only: <c>'self'</c> covers its <c>ws:</c>/<c>wss:</c>
    /// URL, while a bare <c>ws: wss:</c> would let an injected script carry the key the page keeps to any host.
    /// </summary>
    public const string DefaultContentSecurityPolicy =
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>The <c>Content-Security-Policy</c> of every response (the status page's static files need no inline code).</summary>
    public string ContentSecurityPolicy { get; set; } = DefaultContentSecurityPolicy;
}

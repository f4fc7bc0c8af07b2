namespace SentinelOps.Gateway.Security;

/// <summary>Response security headers (section <c>Gateway:SecurityHeaders</c>).</summary>
public sealed class SecurityHeadersOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:SecurityHeaders";

    /// <summary>The default <see cref="ContentSecurityPolicy"/>: own scripts, styles and images only, live events over WebSocket, no framing.</summary>
    public const string DefaultContentSecurityPolicy =
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>The <c>Content-Security-Policy</c> of every response (the status page's static files need no inline code).</summary>
    public string ContentSecurityPolicy { get; set; } = DefaultContentSecurityPolicy;
}

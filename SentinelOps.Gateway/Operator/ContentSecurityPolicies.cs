namespace SentinelOps.Gateway.Operator;

/// <summary>The Content-Security-Policy of each kind of page the gateway serves.</summary>
internal static class ContentSecurityPolicies
{
    /// <summary>Where the interactive API reference lives.</summary>
    public static readonly PathString DocsPath = new("/docs");

    /// <summary>
    /// The status page and everything else: only the gateway's own files, no inline script or style, no framing.
    /// WebSocket connections to the same host count as <c>'self'</c>.
    /// </summary>
    public const string Strict =
        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    /// <summary>
    /// The API reference: Scalar's bundle is served by the gateway, but its page starts it with an inline module script and
    /// it styles elements inline, and it builds images and web workers from data/blob URLs. Still nothing from another origin.
    /// </summary>
    public const string Docs =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "font-src 'self' data:; worker-src 'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    /// <summary>The policy for a request path.</summary>
    public static string For(PathString path) => path.StartsWithSegments(DocsPath) ? Docs : Strict;
}

namespace SentinelOps.Gateway.Security;

/// <summary>
/// The Content-Security-Policy of the API reference. Every other response keeps the gateway's strict policy
/// (<c>Gateway:SecurityHeaders:ContentSecurityPolicy</c>), which the status page is written for: no inline script or style.
/// </summary>
internal static class ContentSecurityPolicies
{
    /// <summary>Where the interactive API reference lives.</summary>
    public static readonly PathString DocsPath = new("/docs");

    /// <summary>
    /// The API reference: Scalar's bundle is served by the gateway, but its page starts it with an inline module script and
    /// it styles elements inline, and it builds images and web workers from data/blob URLs. Still nothing from another origin.
    /// </summary>
    public const string Docs =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "font-src 'self' data:; worker-src 'self' blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

    /// <summary>The policy a path needs instead of the gateway's strict one, or <see langword="null"/> for the strict one.</summary>
    public static string? For(PathString path) => path.StartsWithSegments(DocsPath) ? Docs : null;
}

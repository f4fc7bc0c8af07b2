namespace SentinelOps.Gateway.Security;

/// <summary>
/// The seed's <c>APP_ENV</c> (development, staging, production; unset means production), read in this one place
/// until the shared <c>AppEnvironment</c> replaces it.
/// </summary>
internal static class GatewayEnvironment
{
    /// <summary>
    /// Whether the gateway runs in production, where it must not run without client keys. Anything but development or
    /// staging counts as production, so a typo never relaxes security.
    /// </summary>
    public static bool IsProduction(IConfiguration configuration) =>
        configuration["APP_ENV"]?.Trim().ToLowerInvariant() is not ("development" or "staging");
}

namespace SentinelOps.Gateway.Security;

/// <summary>
/// The seed's <c>APP_ENV</c> (development, staging, production; unset means production), read in this one place
/// until the shared <c>AppEnvironment</c> replaces it.
/// </summary>
internal static class GatewayEnvironment
{
    /// <summary>Whether the gateway runs in production, where it must not run without client keys.</summary>
    public static bool IsProduction(IConfiguration configuration) =>
        configuration["APP_ENV"] is not { Length: > 0 } value || value.Trim().Equals("production", StringComparison.OrdinalIgnoreCase);
}

using Microsoft.Extensions.Configuration;

namespace SentinelOps.AppHost;

/// <summary>Hands a section of the AppHost's configuration to a service as environment variables.</summary>
internal static class ConfigurationForwardingExtensions
{
    /// <summary>
    /// Forwards every value under <paramref name="section"/> (e.g. <c>Gateway:Retry:MaxRetryAttempts</c> given to the
    /// AppHost as <c>--Gateway:Retry:MaxRetryAttempts=1</c> or in its appsettings) to <paramref name="service"/> as
    /// <c>Gateway__Retry__MaxRetryAttempts</c>, so the system is tuned in one place.
    /// </summary>
    public static IResourceBuilder<T> WithConfigurationSection<T>(this IResourceBuilder<T> service, IConfigurationSection section)
        where T : IResourceWithEnvironment
    {
        foreach (var (key, value) in section.AsEnumerable())
        {
            if (value is not null)
            {
                service.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return service;
    }
}

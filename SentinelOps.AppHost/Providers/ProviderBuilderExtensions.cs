namespace SentinelOps.AppHost.Providers;

/// <summary>Passes the provider chain to a service as <c>Providers__N__*</c> environment variables.</summary>
internal static class ProviderBuilderExtensions
{
    public static IResourceBuilder<T> WithProviders<T>(this IResourceBuilder<T> service, IReadOnlyList<ProviderEntry> providers)
        where T : IResourceWithEnvironment
    {
        for (var i = 0; i < providers.Count; i++)
        {
            var provider = providers[i];
            var prefix = $"Providers__{i}__";
            service.WithEnvironment(prefix + "Name", provider.Name)
                .WithEnvironment(prefix + "Kind", provider.Kind)
                .WithEnvironment(prefix + "Endpoint", provider.Endpoint)
                .WithEnvironment(prefix + "Model", provider.Model)
                .WithEnvironment(prefix + "Priority", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (provider.ApiKey is not null)
            {
                service.WithEnvironment(prefix + "ApiKey", provider.ApiKey);
            }

            if (provider.ControlEndpoint is not null)
            {
                service.WithEnvironment(prefix + "ControlEndpoint", provider.ControlEndpoint);
            }
        }

        return service;
    }
}

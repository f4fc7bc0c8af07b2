using Microsoft.Extensions.Configuration;
using SentinelOps.Shared.Configuration;

namespace SentinelOps.AppHost.Configuration;

/// <summary>The seed's environment variables, set on the AppHost, reach the services that use them.</summary>
internal static class SeedVariablesBuilderExtensions
{
    /// <summary>
    /// Maps the seed's variables onto the AppHost's own settings, where those are not set: <c>OPENAI_API_KEY</c> →
    /// the <c>openai-api-key</c> parameter, <c>OPENAI_MODEL</c>/<c>OPENAI_BASE_URL</c> → <c>OpenAI:*</c>,
    /// <c>OLLAMA_BASE_URL</c>/<c>OLLAMA_MODEL</c> → <c>Ollama:*</c>, <c>REDIS_URL</c> → <c>ConnectionStrings:redis</c>, and the
    /// tuning variables → the <c>Gateway:*</c>/<c>Monitor:*</c> keys the AppHost forwards. <c>APP_ENV</c> is checked here
    /// and forwarded by <see cref="WithAppEnvironment"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A variable is malformed; the message names each one.</exception>
    public static IDistributedApplicationBuilder AddSeedEnvironmentVariables(this IDistributedApplicationBuilder builder)
    {
        var settings = ForAppHost(builder.Configuration);
        if (settings.Count > 0)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        return builder;
    }

    /// <summary>
    /// Passes <c>APP_ENV</c> to <paramref name="service"/>: the AppHost's own <c>APP_ENV</c> when set, else
    /// <c>development</c> when running here and <c>production</c> in a published manifest.
    /// </summary>
    public static IResourceBuilder<T> WithAppEnvironment<T>(this IResourceBuilder<T> service)
        where T : IResourceWithEnvironment
    {
        var configured = new SeedVariableReader(service.ApplicationBuilder.Configuration).Text(AppEnvironment.VariableName);
        var environment = configured is not null ? AppEnvironment.Parse(configured)
            : service.ApplicationBuilder.ExecutionContext.IsPublishMode ? AppEnvironment.Production
            : AppEnvironment.Development;
        return service.WithEnvironment(AppEnvironment.VariableName, environment.Name);
    }

    /// <summary>The settings the seed variables in <paramref name="configuration"/> add: only keys it does not set already.</summary>
    internal static Dictionary<string, string?> ForAppHost(IConfiguration configuration)
    {
        var reader = new SeedVariableReader(configuration);
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in reader.TuningSettings())
        {
            settings[key] = value;
        }

        settings[AppHostSettings.OpenAIApiKey] = reader.Text(SeedEnvironmentVariables.OpenAIApiKey);
        settings[AppHostSettings.OpenAIModel] = reader.Text(SeedEnvironmentVariables.OpenAIModel);
        settings[AppHostSettings.OpenAIEndpoint] = reader.HttpUrl(SeedEnvironmentVariables.OpenAIBaseUrl) is null ? null : reader.Text(SeedEnvironmentVariables.OpenAIBaseUrl);
        settings[AppHostSettings.OllamaEndpoint] = reader.HttpUrl(SeedEnvironmentVariables.OllamaBaseUrl) is null ? null : reader.Text(SeedEnvironmentVariables.OllamaBaseUrl);
        settings[AppHostSettings.OllamaModel] = reader.Text(SeedEnvironmentVariables.OllamaModel);
        settings[AppHostSettings.RedisConnectionString] = reader.RedisConnectionString();
        reader.ReadAppEnvironment();
        reader.ThrowIfInvalid();

        return settings
            .Where(setting => setting.Value is not null && string.IsNullOrEmpty(configuration[setting.Key]))
            .ToDictionary(setting => setting.Key, setting => setting.Value, StringComparer.OrdinalIgnoreCase);
    }
}

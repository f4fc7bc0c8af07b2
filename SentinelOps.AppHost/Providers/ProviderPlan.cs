using Microsoft.Extensions.Configuration;
using SentinelOps.AppHost.Configuration;

namespace SentinelOps.AppHost.Providers;

/// <summary>Which real or simulated service stands behind each provider of the chain, decided from configuration.</summary>
/// <param name="Primary">What serves <c>primary</c>.</param>
/// <param name="Fallback">What serves <c>fallback</c>.</param>
/// <remarks>
/// Running here with nothing configured, both are simulators, so <c>dotnet run</c> works offline with no key. Publishing
/// describes the real system (OpenAI with its key as a secret parameter, the Ollama container) unless
/// <c>Simulators:Enabled=true</c>. Whatever the mode, an OpenAI key makes <c>primary</c> OpenAI and an Ollama endpoint makes
/// <c>fallback</c> that server.
/// </remarks>
internal sealed record ProviderPlan(PrimaryProvider Primary, FallbackProvider Fallback)
{
    /// <summary>Decides the plan from <paramref name="configuration"/>.</summary>
    public static ProviderPlan From(IConfiguration configuration, bool isPublishMode)
    {
        var simulators = configuration.GetValue<bool?>(AppHostSettings.SimulatorsEnabled) ?? !isPublishMode;

        var primary = !string.IsNullOrEmpty(configuration[AppHostSettings.OpenAIApiKey]) || !simulators
            ? PrimaryProvider.OpenAI
            : PrimaryProvider.Simulator;

        var fallback = !string.IsNullOrEmpty(configuration[AppHostSettings.OllamaEndpoint])
            ? FallbackProvider.ExternalOllama
            : configuration.GetValue(AppHostSettings.OllamaMode, OllamaMode.Auto) switch
            {
                OllamaMode.Container => FallbackProvider.OllamaContainer,
                OllamaMode.Simulator => FallbackProvider.Simulator,
                _ => simulators ? FallbackProvider.Simulator : FallbackProvider.OllamaContainer,
            };

        return new ProviderPlan(primary, fallback);
    }
}

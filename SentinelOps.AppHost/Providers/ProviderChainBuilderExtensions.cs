using SentinelOps.AppHost.Configuration;
using SentinelOps.AppHost.Ollama;
using SentinelOps.AppHost.Simulators;
using SentinelOps.Shared.Configuration;

namespace SentinelOps.AppHost.Providers;

/// <summary>Adds the provider chain: <c>primary</c> (OpenAI's protocol), then <c>fallback</c> (Ollama's), each real or simulated.</summary>
internal static class ProviderChainBuilderExtensions
{
    /// <summary>The first provider's name.</summary>
    public const string PrimaryName = "primary";

    /// <summary>The second provider's name.</summary>
    public const string FallbackName = "fallback";

    /// <summary>The Ollama container's resource name (it serves <c>fallback</c>).</summary>
    public const string OllamaResourceName = "ollama";

    /// <summary>Adds whatever serves each provider (see <see cref="ProviderPlan"/>) and returns the chain, in priority order.</summary>
    public static IReadOnlyList<ProviderEntry> AddProviderChain(this IDistributedApplicationBuilder builder)
    {
        var plan = ProviderPlan.From(builder.Configuration, builder.ExecutionContext.IsPublishMode);
        return [builder.AddPrimary(plan.Primary), builder.AddFallback(plan.Fallback)];
    }

    // primary: OpenAI itself (or any OpenAI-compatible endpoint) with the secret key parameter, else a simulator.
    private static ProviderEntry AddPrimary(this IDistributedApplicationBuilder builder, PrimaryProvider primary)
    {
        if (primary == PrimaryProvider.OpenAI)
        {
            var endpoint = builder.Configuration[AppHostSettings.OpenAIEndpoint] ?? SeedEnvironmentVariables.DefaultOpenAIEndpoint;
            return new(
                PrimaryName,
                "OpenAI",
                ReferenceExpression.Create($"{endpoint}"),
                builder.Configuration[AppHostSettings.OpenAIModel] ?? SeedEnvironmentVariables.DefaultOpenAIModel,
                ApiKey: builder.AddParameter(AppHostSettings.OpenAIApiKeyParameter, secret: true));
        }

        var simulator = builder.AddSimulator(PrimaryName, "OpenAI", port: 8101, model: "sim-gpt-4o-mini");
        return new(PrimaryName, "OpenAI", ReferenceExpression.Create($"{simulator.GetEndpoint("http")}/v1"), "sim-gpt-4o-mini",
            ControlEndpoint: ReferenceExpression.Create($"{simulator.GetEndpoint("http")}"), Server: simulator);
    }

    // fallback: an Ollama server given by Ollama:Endpoint, the ollama/ollama container, or a simulator.
    private static ProviderEntry AddFallback(this IDistributedApplicationBuilder builder, FallbackProvider fallback)
    {
        var model = builder.Configuration[AppHostSettings.OllamaModel] ?? SeedEnvironmentVariables.DefaultOllamaModel;
        switch (fallback)
        {
            case FallbackProvider.ExternalOllama:
                return new(FallbackName, "Ollama", ReferenceExpression.Create($"{builder.Configuration[AppHostSettings.OllamaEndpoint]}"), model);

            case FallbackProvider.OllamaContainer:
                var ollama = builder.AddOllama(OllamaResourceName, model);
                return new(FallbackName, "Ollama", ReferenceExpression.Create($"{ollama.GetEndpoint("http")}"), model, Server: ollama);

            default:
                var simulator = builder.AddSimulator(FallbackName, "Ollama", port: 8102, model: "llama3.2:1b");
                return new(FallbackName, "Ollama", ReferenceExpression.Create($"{simulator.GetEndpoint("http")}"), "llama3.2:1b",
                    ControlEndpoint: ReferenceExpression.Create($"{simulator.GetEndpoint("http")}"), Server: simulator);
        }
    }
}
